"""Answer a request with a rendered variant held in memory: caching headers, ``HEAD``,
conditional and single-range requests (docs/reference/delivery.md §4, §10), sent as raw ASGI
messages because
this is the hot path of every cache hit."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from starlette.types import Receive, Scope, Send

from imagekit_server.delivery.conditional import Unsatisfiable, is_not_modified, requested_range
from imagekit_server.delivery.security_headers import ERROR_HEADERS, security_headers
from imagekit_server.header_values import header_text

CACHE_CONTROL = b"public, s-maxage=15552000, max-age=15552000, must-revalidate"
_STATIC_HEADERS = [
    (b"cache-control", CACHE_CONTROL),
    (b"accept-ranges", b"bytes"),
    (b"access-control-allow-origin", b"*"),
    (b"x-server", b"imagekit-server"),
]
# Headers a 304 repeats (RFC 9110 §15.4.5).
_NOT_MODIFIED_KEEP = frozenset(
    {b"etag", b"cache-control", b"last-modified", b"vary", b"x-content-type-options"}
)

Headers = list[tuple[bytes, bytes]]
INTERMEDIATE_BODY = b"<html><body>The asset is currently being prepared</body></html>"


class BytesResponse:
    """An ASGI response with an in-memory body; ``head_only`` sends the headers only."""

    __slots__ = ("body", "head_only", "headers", "status")

    def __init__(self, status: int, headers: Headers, body: bytes, head_only: bool) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.head_only = head_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": b"" if self.head_only else self.body})


def error_response(status: int, ik_error: str, body: str) -> BytesResponse:
    """A short text error with ``ik-error``; 404s may be cached briefly, others not at all."""
    cache = b"public, max-age=60" if status == 404 else b"no-store"
    data = body.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(data)).encode()),
        (b"cache-control", cache),
        (b"ik-error", header_text(ik_error).encode("ascii")),
        *ERROR_HEADERS,
    ]
    return BytesResponse(status, headers, data, False)


_STATUS_TEXT = {401: "Unauthorized", 404: "Not Found"}


def transformation_error_response(status: int, code: str, message: str) -> BytesResponse:
    """A transformation that cannot be rendered: the reason in the body as well as in
    ``ik-error``, so a person opening the URL in a browser sees why."""
    status = status if 400 <= status < 600 else 500
    title = "Internal Server Error" if status >= 500 else _STATUS_TEXT.get(status, "Bad Request")
    return error_response(status, f"{code} - {message}", f"{title}: {message}")


def intermediate_response() -> BytesResponse:
    """ImageKit's answer while an AI transformation is being prepared (never cached)."""
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(INTERMEDIATE_BODY)).encode()),
        (b"cache-control", b"no-store"),
        (b"is-intermediate-response", b"true"),
    ]
    return BytesResponse(200, headers, INTERMEDIATE_BODY, False)


def attachment_header(query: Mapping[str, str], file_name: str) -> tuple[bytes, bytes] | None:
    if query.get("ik-attachment") != "true":
        return None
    filename = query.get("ik-attachment-filename") or file_name
    fallback = header_text(filename, replacement="?").replace('"', "_").replace("\\", "_")
    value = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return (b"content-disposition", value.encode("ascii"))


# A variant's headers but Age, by what they are made of (its body's length included): a cache
# hit answers the same variant again and again, and making them anew took a fifth of the
# time of a hit's own code.
_HeadKey = tuple[str, str, str, str | None, tuple[tuple[bytes, bytes], ...], int]
_heads: dict[_HeadKey, Headers] = {}
_MAX_HEADS = 4096
_LENGTH = b"content-length"
# Request headers that can make the answer a 304 or a part of the body.
_CONDITIONAL = frozenset({"if-none-match", "if-modified-since", "range", "if-range"})


def _head(key: _HeadKey) -> Headers:
    content_type, etag, last_modified, vary, extra, size = key
    head: Headers = [
        (b"content-type", content_type.encode("latin-1")),
        (b"etag", etag.encode("latin-1")),
        (b"last-modified", last_modified.encode("latin-1")),
        *_STATIC_HEADERS,
        *security_headers(content_type),
        *extra,
    ]
    if vary:
        head.append((b"vary", vary.encode("latin-1")))
    head.append((_LENGTH, b"%d" % size))  # last: a partial answer replaces it
    if len(_heads) >= _MAX_HEADS:
        _heads.clear()  # the hot variants come back at once
    _heads[key] = head
    return head


def variant_response(
    request_headers: Mapping[str, str],
    *,
    method: str,
    body: bytes,
    content_type: str,
    etag: str,
    modified: datetime,
    last_modified: str,
    vary: str | None,
    created_at: float | None,
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> BytesResponse:
    """The 200/206/304/416 answer for ``body``. ``created_at`` (a cache hit) adds ``Age``."""
    size = len(body)
    key = (content_type, etag, last_modified, vary, extra, size)
    head = _heads.get(key) or _head(key)
    if created_at is None:
        headers = head[:]
    else:
        age = int(time.time() - created_at)
        headers = [*head, (b"age", b"%d" % age if age > 0 else b"0")]
    if _CONDITIONAL.isdisjoint(request_headers):  # most requests: neither kind
        return BytesResponse(200, headers, body, method == "HEAD")
    if is_not_modified(
        request_headers.get("if-none-match"),
        request_headers.get("if-modified-since"),
        etag,
        modified,
    ):
        kept = [(name, value) for name, value in headers if name in _NOT_MODIFIED_KEEP]
        return BytesResponse(304, kept, b"", True)
    head_only = method == "HEAD"
    try:
        byte_range = requested_range(
            request_headers.get("range"), request_headers.get("if-range"), etag, size
        )
    except Unsatisfiable:
        unsatisfiable = [
            (b"content-range", f"bytes */{size}".encode()),
            (_LENGTH, b"0"),
            *ERROR_HEADERS,
        ]
        return BytesResponse(416, unsatisfiable, b"", True)
    if byte_range is None:
        return BytesResponse(200, headers, body, head_only)
    part = body[byte_range.start : byte_range.end]
    headers = [header for header in headers if header[0] != _LENGTH]
    headers.append(
        (b"content-range", f"bytes {byte_range.start}-{byte_range.end - 1}/{size}".encode())
    )
    headers.append((_LENGTH, b"%d" % len(part)))
    return BytesResponse(206, headers, part, head_only)
