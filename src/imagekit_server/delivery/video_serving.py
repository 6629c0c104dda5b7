"""Answer with a stored rendition: caching headers, conditional and byte-range requests."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from imagekit_server.delivery.conditional import Unsatisfiable, is_not_modified, requested_range
from imagekit_server.delivery.originals import BlobResponse
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.storage import BlobStore

CACHE_CONTROL = "public, s-maxage=15552000, max-age=15552000, must-revalidate"


def blob_response(
    request: Request,
    store: BlobStore,
    key: str,
    size: int,
    content_type: str,
    etag: str,
    row: FileRow,
    vary: str | None,
) -> ASGIApp:
    headers = {
        "Content-Type": content_type,
        "ETag": etag,
        "Last-Modified": row.last_modified,
        "Cache-Control": CACHE_CONTROL,
        "Accept-Ranges": "bytes",
        "Access-Control-Allow-Origin": "*",
        "x-server": "imagekit-server",
    }
    if vary:
        headers["Vary"] = vary
    if is_not_modified(
        request.headers.get("if-none-match"),
        request.headers.get("if-modified-since"),
        etag,
        row.modified,
    ):
        kept = {k: v for k, v in headers.items() if k in ("ETag", "Cache-Control", "Vary")}
        return Response(status_code=304, headers=kept)
    try:
        byte_range = requested_range(
            request.headers.get("range"), request.headers.get("if-range"), etag, size
        )
    except Unsatisfiable:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
    head_only = request.method == "HEAD"
    if byte_range is None:
        return BlobResponse(
            store,
            key,
            status=200,
            headers=headers,
            start=0,
            end=size,
            whole=True,
            head_only=head_only,
        )
    headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end - 1}/{size}"
    return BlobResponse(
        store,
        key,
        status=206,
        headers=headers,
        start=byte_range.start,
        end=byte_range.end,
        whole=False,
        head_only=head_only,
    )
