"""Send stored bytes: the whole blob (zero-copy ``pathsend`` when the server offers it and the
blob is a local file) or one byte range, streamed from the blob store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from anyio import to_thread
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from imagekit_server.delivery.security_headers import ERROR_HEADER_DICT
from imagekit_server.storage import BlobNotFound, BlobStore

CHUNK_SIZE = 256 * 1024


class BlobResponse:
    """An ASGI response for ``[start, end)`` of a blob; ``head_only`` sends headers only."""

    def __init__(
        self,
        store: BlobStore,
        key: str,
        *,
        status: int,
        headers: Mapping[str, str],
        start: int,
        end: int,
        whole: bool,
        head_only: bool,
    ) -> None:
        self.store = store
        self.key = key
        self.status = status
        self.headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
        self.headers.append((b"content-length", str(end - start).encode()))
        self.start = start
        self.end = end
        self.whole = whole
        self.head_only = head_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        local: Path | None = self.store.local_path(self.key)
        use_pathsend = (  # never for HEAD: granian would send the file after the head
            self.whole
            and not self.head_only
            and local is not None
            and "http.response.pathsend" in scope.get("extensions", {})
        )
        chunks: Iterator[bytes] | None = None
        if not (self.head_only or use_pathsend or self.end == self.start):
            try:
                # Opened before the status line: a blob deleted meanwhile is still a clean 404.
                chunks = await to_thread.run_sync(
                    lambda: self.store.iter_range(self.key, self.start, self.end, CHUNK_SIZE)
                )
            except BlobNotFound:
                gone = PlainTextResponse("Not Found", 404, headers=ERROR_HEADER_DICT)
                await gone(scope, receive, send)
                return
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        if use_pathsend:
            await send({"type": "http.response.pathsend", "path": str(local)})
            return
        if chunks is not None:
            while chunk := await to_thread.run_sync(next, chunks, b""):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
