"""Answer a delivery request for a file fetched from an origin (origin_source.py): the
original bytes (with conditional and range requests) or a rendered variant, using the media
library's caches — the same variant names, in-memory LRU and ``derived/<account>/<key>/``
blobs."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from starlette.requests import Request
from starlette.types import ASGIApp

from imagekit_server.context import ServerContext
from imagekit_server.delivery.conditional import Unsatisfiable, is_not_modified, requested_range
from imagekit_server.delivery.originals import BlobResponse
from imagekit_server.delivery.security_headers import (
    ERROR_HEADER_DICT,
    NOT_MODIFIED_KEEP,
    security_header_dict,
)
from imagekit_server.delivery.transformed import deliver_variant
from imagekit_server.delivery.variant_response import (
    CACHE_CONTROL,
    BytesResponse,
    attachment_header,
)
from imagekit_server.renditions.chain import Chain
from imagekit_server.renditions.file_lookup import FileRow


def canonical_link(url: str) -> str:
    """The ``Link`` header an origin with ``includeCanonicalHeader`` asks for."""
    return f'<{quote(url, safe=":/?&=%#@!$,;~+")}>; rel="canonical"'


def original_response(
    request: Request,
    context: ServerContext,
    row: FileRow,
    size: int,
    query: Mapping[str, str],
    canonical: str | None = None,
) -> ASGIApp:
    etag = f'"{row.etag}"'
    headers = {
        "Content-Type": row.mime,
        "ETag": etag,
        "Last-Modified": row.last_modified,
        "Cache-Control": CACHE_CONTROL.decode(),
        "Accept-Ranges": "bytes",
        "Access-Control-Allow-Origin": "*",
        "x-server": "imagekit-server",
        **security_header_dict(row.mime),
    }
    attachment = attachment_header(query, row.name)
    if attachment is not None:
        headers["Content-Disposition"] = attachment[1].decode("latin-1")
    if canonical is not None:
        headers["Link"] = canonical_link(canonical)
    request_headers = request.headers
    if is_not_modified(
        request_headers.get("if-none-match"),
        request_headers.get("if-modified-since"),
        etag,
        row.modified,
    ):
        kept = [
            (name.lower().encode(), value.encode("latin-1"))
            for name, value in headers.items()
            if name in NOT_MODIFIED_KEEP
        ]
        return BytesResponse(304, kept, b"", True)
    try:
        byte_range = requested_range(
            request_headers.get("range"), request_headers.get("if-range"), etag, size
        )
    except Unsatisfiable:
        headers = {"Content-Range": f"bytes */{size}", **ERROR_HEADER_DICT}
        return BlobResponse(
            context.store, row.blob_key, status=416, headers=headers, start=0, end=0,
            whole=False, head_only=True,
        )  # fmt: skip
    start, end, status = 0, size, 200
    if byte_range is not None:
        start, end, status = byte_range.start, byte_range.end, 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    return BlobResponse(
        context.store,
        row.blob_key,
        status=status,
        headers=headers,
        start=start,
        end=end,
        whole=byte_range is None,
        head_only=request.method == "HEAD",
    )


async def transformed_response(
    request: Request,
    context: ServerContext,
    account_id: str,
    row: FileRow,
    chain: Chain,
    query: Mapping[str, str],
    signed: bool,
    canonical: str | None = None,
) -> ASGIApp:
    """The variant, through the same pipeline tail as a media library file."""
    extra = []
    if canonical is not None:
        extra.append((b"link", canonical_link(canonical).encode("latin-1")))
    return await deliver_variant(request, context, account_id, row, chain, query, signed, extra)
