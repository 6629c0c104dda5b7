"""``GET``/``HEAD /<imagekit_id>/<file path>``: originals with caching headers, conditional and
range requests, signed URLs for private files (docs/reference/delivery.md §3, §4, §8-10).

Kept lean (a plain Starlette endpoint, one indexed lookup) because it is the hot path.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import file_versions, files
from imagekit_server.db.times import to_utc
from imagekit_server.delivery.access_policy import refusal
from imagekit_server.delivery.conditional import Unsatisfiable, is_not_modified, requested_range
from imagekit_server.delivery.origin_source import deliver_from_origins
from imagekit_server.delivery.originals import BlobResponse
from imagekit_server.delivery.security_headers import (
    ERROR_HEADER_DICT,
    NOT_MODIFIED_KEEP,
    security_header_dict,
)
from imagekit_server.delivery.signing import SignatureStatus, check_signature
from imagekit_server.delivery.target import DeliveryTarget, TargetError, parse_target
from imagekit_server.delivery.transformed import deliver_transformed
from imagekit_server.delivery.variant_response import attachment_header
from imagekit_server.delivery.video_source import deliver_video
from imagekit_server.header_values import header_text, http_date

CACHE_CONTROL = "public, s-maxage=15552000, max-age=15552000, must-revalidate"


def error_response(status: int, ik_error: str, body: str) -> Response:
    cache = "public, max-age=60" if status == 404 else "no-store"
    headers = {"ik-error": header_text(ik_error), "Cache-Control": cache, **ERROR_HEADER_DICT}
    return PlainTextResponse(body, status_code=status, headers=headers)


def not_found(detail: str) -> Response:
    return error_response(404, f"ENOENT - {detail}", "Not Found")


async def deliver(
    request: Request, account: Account | None = None, context: ServerContext | None = None
) -> ASGIApp:
    """The answer to a delivery request; ``account`` and ``context`` when the caller has them."""
    if context is None:
        context = request.app.state.context
    if account is None:
        account = context.accounts.by_id(request.path_params["account_id"])
    if account is None:
        return not_found("unknown account")
    routed = await deliver_from_origins(request, context, account)
    if routed is not None:  # the URL names a URL endpoint with origins
        return routed
    raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
    try:
        target = parse_target(
            raw_path.decode("latin-1"), request.scope["query_string"].decode("latin-1"), account.id
        )
    except (TargetError, UnicodeDecodeError) as exc:
        code = str(exc) if isinstance(exc, TargetError) else "ENOENT - invalid file path"
        status = 404 if code.startswith("ENOENT") else 400
        return error_response(status, code, "Not Found" if status == 404 else "Bad Request")
    signature = _signature_status(account, target)
    if signature in (SignatureStatus.INVALID, SignatureStatus.EXPIRED):
        detail = f"EUNAUTHORIZED - signature {signature.value}"
        return error_response(401, detail, "Unauthorized")
    refused = refusal(account, signature, target.transformation)
    if refused is not None:  # the account's security settings (access_policy.py)
        return refused
    wanted = target.video  # None for images and originals
    if wanted is not None:
        answered = await deliver_video(request, context, account, target, signature, wanted)
        if answered is not None:
            return answered
    if target.transformation is not None and target.transformation != "orig-true":
        return await deliver_transformed(request, context, account, target, signature)
    row = await to_thread.run_sync(_lookup, context, account, target)
    if row is None:
        return not_found(f"{target.file_path} does not exist")
    if not row.is_published and signature is not SignatureStatus.VALID:
        return not_found(f"{target.file_path} does not exist")
    if row.is_private and signature is not SignatureStatus.VALID:
        return error_response(
            401, "EUNAUTHORIZED - private file needs a signed URL", "Unauthorized"
        )
    return _original_response(request, context, target, row)


def _signature_status(account: Account, target: DeliveryTarget) -> SignatureStatus:
    query = target.query
    if "ik-s" not in query and "ik-t" not in query:
        return SignatureStatus.UNSIGNED  # the common case, without parsing the target again
    return check_signature(account.private_key, target.signed_part)


def _lookup(context: ServerContext, account: Account, target: DeliveryTarget) -> Any:
    """The delivered version's content columns plus the file's access flags."""
    version_id = target.query.get("ik-obj-version")
    if version_id:
        query = (
            sa.select(
                file_versions.c.blob_key,
                file_versions.c.mime,
                file_versions.c.size,
                file_versions.c.etag,
                file_versions.c.name,
                file_versions.c.created_at.label("modified_at"),
                files.c.is_private,
                files.c.is_published,
            )
            .join(files, files.c.id == file_versions.c.file_id)
            .where(
                files.c.account_id == account.id,
                files.c.file_path == target.file_path,
                file_versions.c.id == version_id,
            )
        )
    else:
        query = sa.select(
            files.c.blob_key,
            files.c.mime,
            files.c.size,
            files.c.etag,
            files.c.name,
            files.c.updated_at.label("modified_at"),
            files.c.is_private,
            files.c.is_published,
        ).where(files.c.account_id == account.id, files.c.file_path == target.file_path)
    with read_transaction(context.engine) as conn:
        return conn.execute(query).first()


def _original_response(
    request: Request, context: ServerContext, target: DeliveryTarget, row: Any
) -> ASGIApp:
    etag = f'"{row.etag[:32]}"'
    modified = to_utc(row.modified_at)
    headers = {
        "Content-Type": row.mime,
        "ETag": etag,
        "Last-Modified": http_date(modified),
        "Cache-Control": CACHE_CONTROL,
        "Accept-Ranges": "bytes",
        "Access-Control-Allow-Origin": "*",
        "x-server": "imagekit-server",
        **security_header_dict(row.mime),
    }
    attachment = attachment_header(target.query, row.name)
    if attachment is not None:
        headers["Content-Disposition"] = attachment[1].decode("ascii")
    request_headers = request.headers
    if is_not_modified(
        request_headers.get("if-none-match"),
        request_headers.get("if-modified-since"),
        etag,
        modified,
    ):
        kept = {k: v for k, v in headers.items() if k in NOT_MODIFIED_KEEP}
        return Response(status_code=304, headers=kept)
    head_only = request.method == "HEAD"
    try:
        byte_range = requested_range(
            request_headers.get("range"), request_headers.get("if-range"), etag, row.size
        )
    except Unsatisfiable:
        unsatisfiable = {"Content-Range": f"bytes */{row.size}", **ERROR_HEADER_DICT}
        return Response(status_code=416, headers=unsatisfiable)
    if byte_range is None:
        return BlobResponse(
            context.store,
            row.blob_key,
            status=200,
            headers=headers,
            start=0,
            end=row.size,
            whole=True,
            head_only=head_only,
        )
    headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end - 1}/{row.size}"
    return BlobResponse(
        context.store,
        row.blob_key,
        status=206,
        headers=headers,
        start=byte_range.start,
        end=byte_range.end,
        whole=False,
        head_only=head_only,
    )
