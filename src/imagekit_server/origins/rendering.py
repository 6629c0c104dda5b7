"""Answer a delivery request for a file fetched from an origin: the original bytes (with
conditional and range requests) or a rendered variant, using the media library's caches —
the same variant names, in-memory LRU and ``derived/<account>/<key>/`` blobs."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from anyio import to_thread
from starlette.requests import Request
from starlette.types import ASGIApp

from imagekit_server.context import ServerContext
from imagekit_server.delivery.chain import Chain
from imagekit_server.delivery.conditional import Unsatisfiable, is_not_modified, requested_range
from imagekit_server.delivery.derived_cache import (
    derived_key,
    load_derived,
    response_etag,
    save_derived,
    variant_hash,
)
from imagekit_server.delivery.file_lookup import FileRow, load_file_row
from imagekit_server.delivery.hot_cache import RenderedVariant, delivery_caches
from imagekit_server.delivery.originals import BlobResponse
from imagekit_server.delivery.transformed import Variant, choose_variant, render_limits
from imagekit_server.delivery.variant_response import (
    CACHE_CONTROL,
    BytesResponse,
    attachment_header,
    variant_response,
)
from imagekit_server.imaging import Plan, TransformationError, render, run_in_pool
from imagekit_server.storage import BlobNotFound


def canonical_link(url: str) -> str:
    """The ``Link`` header an origin with ``includeCanonicalHeader`` asks for."""
    return f'<{quote(url, safe=":/?&=%#@!$,;~+")}>; rel="canonical"'


def original_response(
    request: Request,
    context: ServerContext,
    row: FileRow,
    size: int,
    query: dict[str, str],
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
            if name in ("ETag", "Cache-Control", "Last-Modified")
        ]
        return BytesResponse(304, kept, b"", True)
    try:
        byte_range = requested_range(
            request_headers.get("range"), request_headers.get("if-range"), etag, size
        )
    except Unsatisfiable:
        headers = {"Content-Range": f"bytes */{size}"}
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
    query: dict[str, str],
    canonical: str | None = None,
) -> ASGIApp:
    """Raises ``TransformationError`` for the caller to render."""
    variant = choose_variant(chain, request)
    memory_key = (row.etag, chain.key, variant.name)
    caches = delivery_caches(context)
    cached = caches.rendered.get(memory_key)
    created_at = None if cached is None else cached.created_at
    if cached is None:
        name = variant_hash(*memory_key)
        cached = await _produce(context, account_id, row, chain.plan, variant, name)
        caches.rendered.put(memory_key, cached)
    attachment = attachment_header(query, row.name)
    extra = [attachment] if attachment else []
    if canonical is not None:
        extra.append((b"link", canonical_link(canonical).encode("latin-1")))
    return variant_response(
        request.headers,
        method=request.method,
        body=cached.data,
        content_type=cached.content_type,
        etag=cached.etag,
        modified=row.modified,
        last_modified=row.last_modified,
        vary=variant.vary,
        created_at=created_at,
        extra=tuple(extra),
    )


async def _produce(
    context: ServerContext, account_id: str, row: FileRow, plan: Plan, variant: Variant, name: str
) -> RenderedVariant:
    store = context.store
    use_store = context.settings.derived_cache and variant.hints is None
    key = derived_key(account_id, row.file_id, name)
    if use_store:
        found = await to_thread.run_sync(load_derived, store, key)
        if found is not None:
            content_type, data = found
            etag = response_etag(name, content_type)
            return RenderedVariant(row.file_id, data, content_type, etag)
    try:
        source = await to_thread.run_sync(store.get_bytes, row.blob_key)
    except BlobNotFound:
        raise TransformationError(404, "ENOENT", "the cached original is gone") from None
    rendered = await run_in_pool(
        render,
        source,
        plan,
        accept=variant.accept,
        limits=render_limits(context.settings),
        load_image=_media_library_loader(context, account_id),
        hints=variant.hints,
    )
    if use_store:
        await to_thread.run_sync(save_derived, store, key, rendered.content_type, rendered.data)
    etag = response_etag(name, rendered.content_type)
    return RenderedVariant(row.file_id, rendered.data, rendered.content_type, etag)


def _media_library_loader(context: ServerContext, account_id: str) -> Callable[[str], bytes]:
    """Image layers come from the account's media library, as for library files."""

    def load(path: str) -> bytes:
        file_path = "/" + path.replace("@@", "/").strip("/")
        row = load_file_row(context, account_id, file_path)
        if row is None:
            raise LookupError(path)
        try:
            return context.store.get_bytes(row.blob_key)
        except BlobNotFound:
            raise LookupError(path) from None

    return load
