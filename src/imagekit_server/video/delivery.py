"""Video at the URL endpoint: renditions (``tr:`` on a video), thumbnails
(``<video>/ik-thumbnail.jpg``), GIF to video (``f-mp4`` on a GIF). docs/video.md.

A rendition is rendered once (single flight in the process), in a render process, into the
derived cache under the file's prefix (so purges and deletions drop it), and served from the
blob store with byte ranges. A request waits up to ``video_wait_seconds`` for a new one; past
that it gets ImageKit's intermediate response (302 to the original for videos, 202 for
thumbnails) while the render goes on.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.delivery.derived_cache import derived_key, response_etag, variant_hash
from imagekit_server.delivery.derived_ledger import derived_ledger
from imagekit_server.delivery.file_lookup import FileRow, find_file
from imagekit_server.delivery.signing import SignatureStatus
from imagekit_server.delivery.target import DeliveryTarget
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.library import named_transformations
from imagekit_server.runtime.single_flight import SingleFlight
from imagekit_server.storage import BlobNotFound
from imagekit_server.video.events import send_video_event, video_event
from imagekit_server.video.leases import claim_or_wait, release
from imagekit_server.video.outputs import Outcome, RenderLimits, output_container
from imagekit_server.video.overlays import draw_overlays, layer_versions
from imagekit_server.video.plan import VideoPlan, named_in, parse_video_plan
from imagekit_server.video.pool import run_in_render_process
from imagekit_server.video.requests import VideoRequest
from imagekit_server.video.serving import blob_response
from imagekit_server.video.sources import source_path
from imagekit_server.video.streaming_delivery import STREAMING_KINDS, respond_streaming
from imagekit_server.video.thumbnails import finish_thumbnail, thumbnail_format

_inflight: SingleFlight[str, Outcome] = SingleFlight()


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


@dataclass(frozen=True)
class Stored:
    """A rendition in the blob store."""

    key: str
    blob: str  # its name under the file's derived prefix
    size: int
    content_type: str
    etag: str


async def ensure_rendition(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    *,
    signed: bool,
    url: str,
    wait: float | None,
) -> Stored | None:
    """The stored rendition, rendered first if needed; None when it is not ready within
    ``wait`` seconds (the render goes on). Raises ``TransformationError``."""
    if wanted.kind == "thumbnail":
        suffix = thumbnail_format(plan.extra)
        content_type = f"image/{'jpeg' if suffix == 'jpg' else suffix}"
    else:
        suffix = output_container(plan)
        content_type = f"video/{suffix}"
    layers = await layer_versions(context, account.id, plan, signed)
    name = variant_hash(row.etag, f"{wanted.kind}:{plan.key()}:{plan.extra}:{layers}", suffix)
    blob = f"v{name}.{suffix}"
    key = derived_key(account.id, row.file_id, blob)
    found = await to_thread.run_sync(context.store.stat, key)
    if found is None:
        work = _inflight.start(key, lambda: _produce(url, context, account, row, plan, wanted, key))
        try:
            outcome = await asyncio.wait_for(asyncio.shield(work), timeout=wait)
        except asyncio.TimeoutError:
            return None
        if outcome[0] == "error":
            status, code, message = outcome[1]
            raise TransformationError(status, code, message)
        found = await to_thread.run_sync(context.store.stat, key)
        if found is None:
            raise TransformationError(500, "UNIDENTIFIED", "the rendition was not stored")
    return Stored(key, blob, found.size, content_type, response_etag(name, content_type))


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
        plan = _with_format(plan, "webm" if webm else "mp4")
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
    )
    if stored is None:
        return _intermediate(context, account, row, wanted, original_url)
    derived_ledger(context).used(account.id, row.file_id, stored.blob)
    return blob_response(
        request, context.store, stored.key, stored.size, stored.content_type, stored.etag, row, vary
    )


def resolved_format(plan: VideoPlan, row: FileRow) -> VideoPlan:
    """``f-orig`` and no ``f-``: WebM stays WebM (unless ``vc-h264``), anything else is MP4."""
    if plan.format not in (None, "orig"):
        return plan
    webm = row.mime == "video/webm" and plan.video_codec != "h264"
    return _with_format(plan, "webm" if webm or plan.video_codec == "vp9" else "mp4")


def _with_format(plan: VideoPlan, container: str) -> VideoPlan:
    return replace(plan, format=container)


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


async def _produce(
    url: str,
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    key: str,
) -> Outcome:
    settings = context.settings
    asset = f"{settings.url_endpoint(account.id)}{quote(wanted.file_path, safe='/')}"
    if not await claim_or_wait(context, key):
        return "ok", {}  # another process rendered it
    options = _event_options(plan)
    notify = wanted.kind == "video"  # ImageKit's video events are for video outputs
    if notify:
        await send_video_event(context, account.id, video_event("accepted", url, asset, options))
    began = time.monotonic()
    try:
        outcome = await _render_and_store(context, account, row, plan, wanted, key)
    finally:
        await to_thread.run_sync(release, context, key)
    if notify and outcome[0] == "ok":
        done = outcome[1]
        metadata = {key: done[key] for key in ("duration", "width", "height")}
        output = {"url": url, "video_metadata": {**metadata, "bitrate": done["bit_rate"]}}
        encoding = round((time.monotonic() - began) * 1000)
        timings = {"download_duration": 0, "encoding_duration": encoding}
        ready = video_event("ready", url, asset, options, output=output, timings=timings)
        await send_video_event(context, account.id, ready)
    elif notify:
        error = {"reason": "encoding_failed", "message": outcome[1][2]}
        await send_video_event(
            context, account.id, video_event("error", url, asset, options, error=error)
        )
    return outcome


async def _render_and_store(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    key: str,
) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="ik-video-") as scratch:
        try:
            source = await to_thread.run_sync(source_path, context, row, Path(scratch))
        except BlobNotFound:
            return "error", (404, "ENOENT", "the file's bytes are missing")
        output = Path(scratch) / f"out.{key.rpartition('.')[2]}"
        outcome = await _render(context, account, row, plan, wanted, str(source), str(output))
        if outcome[0] == "ok":
            await to_thread.run_sync(context.store.put_file, key, output)
            size = output.stat().st_size
            derived_ledger(context).saved(account.id, row.file_id, key.rpartition("/")[2], size)
    return outcome


async def _render(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    source: str,
    output: str,
) -> Outcome:
    from imagekit_server.video.jobs import thumbnail_job, transcode_job  # render processes only

    settings = context.settings
    if wanted.kind == "thumbnail":
        outcome = await run_in_render_process(
            settings, thumbnail_job, source, plan, settings.video_render_timeout_seconds
        )
        if outcome[0] == "ok":
            data = await finish_thumbnail(context, outcome[1], plan.extra)
            await to_thread.run_sync(Path(output).write_bytes, data)
        return outcome if outcome[0] == "error" else ("ok", {})
    limits = RenderLimits(
        max_output_side=settings.video_max_output_dimension,
        max_seconds=settings.video_render_timeout_seconds,
        max_duration=settings.video_max_duration_seconds,
    )
    overlays = await draw_overlays(context, account.id, row, plan)
    return await run_in_render_process(
        settings, transcode_job, source, output, plan, limits, overlays
    )


def _event_options(plan: VideoPlan) -> dict[str, Any]:
    container = output_container(plan)
    return {
        "video_codec": "vp9" if container == "webm" else "h264",
        "audio_codec": ("opus" if container == "webm" else "aac") if plan.audio else "none",
        "auto_rotate": True,
        "quality": plan.quality or 0,
        "format": container,
    }
