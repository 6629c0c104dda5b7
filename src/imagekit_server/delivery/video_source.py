"""Video at the URL endpoint, the video source of the delivery pipeline: renditions (``tr:``
on a video), thumbnails (``<video>/ik-thumbnail.jpg``), GIF to video (``f-mp4`` on a GIF),
adaptive streaming (video_streaming.py). docs/video.md.

The rendition itself comes from video/renditions.py and is served from the blob store with
byte ranges. A request waits up to ``video_wait_seconds`` for a new one; past that it gets
ImageKit's intermediate response (302 to the original for videos, 202 for thumbnails) while the
render goes on.
"""

from __future__ import annotations

from urllib.parse import quote

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.delivery.signing import SignatureStatus
from imagekit_server.delivery.target import DeliveryTarget
from imagekit_server.delivery.video_serving import blob_response
from imagekit_server.delivery.video_streaming import respond_streaming
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.library import named_transformations
from imagekit_server.observability.request_context import SCOPE_ID
from imagekit_server.renditions.derived_ledger import derived_ledger
from imagekit_server.renditions.file_lookup import FileRow, find_file
from imagekit_server.video.events import Trigger
from imagekit_server.video.plan import VideoPlan, named_in, parse_video_plan
from imagekit_server.video.renditions import ensure_rendition, resolved_format, with_format
from imagekit_server.video.requests import VideoRequest
from imagekit_server.video.streaming_sets import STREAMING_KINDS


def _error(status: int, code: str, body: str) -> Response:
    headers = {"ik-error": code, "Cache-Control": "no-store"}
    return PlainTextResponse(body, status_code=status, headers=headers)


def _transformation_error(error: TransformationError) -> Response:
    status = error.status if 400 <= error.status < 600 else 500
    body = {401: "Unauthorized", 404: "Not Found"}.get(status, "Bad Request")
    return _error(status, str(error), "Internal Server Error" if status >= 500 else body)


async def deliver_video(
    request: Request,
    context: ServerContext,
    account: Account,
    target: DeliveryTarget,
    signature: SignatureStatus,
    wanted: VideoRequest,
) -> ASGIApp | None:
    """None: not a video after all (the image path answers)."""
    version = target.query.get("ik-obj-version", "")
    row = await find_file(context, account.id, wanted.file_path, version)
    if row is None:
        if wanted.file_path == target.file_path:
            return None  # the image path answers (404 for a missing file)
        if await find_file(context, account.id, target.file_path, version) is not None:
            return None  # a library file really named like ik-thumbnail.jpg
        return _error(404, f"ENOENT - {wanted.file_path} does not exist", "Not Found")
    return await answer_video(request, context, account, target, signature, wanted, row)


async def answer_video(
    request: Request,
    context: ServerContext,
    account: Account,
    target: DeliveryTarget,
    signature: SignatureStatus,
    wanted: VideoRequest,
    row: FileRow,
    original_url: str | None = None,
) -> ASGIApp | None:
    """The answer for ``row``, the file ``wanted`` names (from the media library or an
    origin's copy, whose URL is ``original_url``); None: not a video after all (the image
    path answers)."""
    is_gif = row.mime == "image/gif"
    if not (row.mime.startswith("video/") or (is_gif and wanted.kind == "video")):
        if wanted.file_path != target.file_path:
            return _error(400, "EINVALIDTRANSFORMATION - the file is not a video", "Bad Request")
        return None
    signed = signature is SignatureStatus.VALID
    if not row.is_published and not signed:
        return _error(404, f"ENOENT - {wanted.file_path} does not exist", "Not Found")
    if row.is_private and not signed:
        return _error(401, "EUNAUTHORIZED - private file needs a signed URL", "Unauthorized")
    try:
        plan = await _plan(context, account.id, target.transformation or "", wanted)
        if is_gif and plan.format not in ("mp4", "webm"):
            return None
        if wanted.kind in STREAMING_KINDS:
            signed_target = target.signed_part if signed else None
            return await respond_streaming(
                request, context, account, row, plan, wanted, signed_target
            )
        return await _respond(request, context, account, row, plan, wanted, signed, original_url)
    except TransformationError as error:
        return _transformation_error(error)


async def _plan(
    context: ServerContext, account_id: str, text: str, wanted: VideoRequest
) -> VideoPlan:
    names = named_in(text)
    definitions: dict[str, str] = {}
    if names:
        definitions = await to_thread.run_sync(_definitions, context, account_id, names)
    return parse_video_plan(
        text, for_thumbnail=wanted.kind == "thumbnail", resolve_named=definitions.__getitem__
    )


def _definitions(context: ServerContext, account_id: str, names: tuple[str, ...]) -> dict[str, str]:
    with read_transaction(context.engine) as conn:
        return named_transformations.definitions(conn, account_id, names)


async def _respond(
    request: Request,
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    signed: bool,
    original_url: str | None,
) -> ASGIApp:
    vary = None
    if plan.format == "auto":
        webm = "video/webm" in request.headers.get("accept", "")
        plan = with_format(plan, "webm" if webm else "mp4")
        vary = "Accept"
    plan = resolved_format(plan, row)
    stored = await ensure_rendition(
        context,
        account,
        row,
        plan,
        wanted,
        signed=signed,
        url=str(request.url),
        wait=context.settings.video_wait_seconds,
        trigger=_trigger(request),
    )
    if stored is None:
        return _intermediate(context, account, row, wanted, original_url)
    derived_ledger(context).used(account.id, row.file_id, stored.blob)
    return blob_response(
        request, context.store, stored.key, stored.size, stored.content_type, stored.etag, row, vary
    )


def _intermediate(
    context: ServerContext,
    account: Account,
    row: FileRow,
    wanted: VideoRequest,
    original_url: str | None,
) -> Response:
    """ImageKit while it is still processing: videos redirect to the original, thumbnails and
    manifests say they are being prepared."""
    if wanted.kind == "video" and not row.is_private:
        endpoint = context.settings.url_endpoint(account.id)
        location = original_url or f"{endpoint}/{quote(wanted.file_path.lstrip('/'), safe='/')}"
        return Response(
            status_code=302, headers={"Location": location, "Cache-Control": "no-store"}
        )
    return PlainTextResponse(
        "The asset is being prepared. Retry in a few seconds.",
        status_code=202,
        headers={"Cache-Control": "no-store", "Retry-After": "5"},
    )


def _trigger(request: Request) -> Trigger | None:
    """The request, as the render's webhook events name it (its X-Request-Id when it has one)."""
    request_id: bytes | None = request.scope.get(SCOPE_ID)
    if request_id is None:
        return None
    return Trigger(request_id.decode("ascii"), request.headers.get("user-agent", ""))
