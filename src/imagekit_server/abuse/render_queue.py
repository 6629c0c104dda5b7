"""A bound on the renders one process has accepted (running plus waiting for a render thread).

Beyond it a new render is refused at once with 503 and ``Retry-After`` rather than queued:
a queue that grows without bound turns overload into timeouts for everyone and memory for
every waiting request. Cache hits are never refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from imagekit_server.imaging import TransformationError

T = TypeVar("T")
RETRY_AFTER_SECONDS = 2


class Overloaded(TransformationError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            503, "EOVERLOADED", f"the server is rendering {limit} images already; retry shortly"
        )
        self.headers = [
            (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
            (b"cache-control", b"no-store"),
        ]


class RenderQueue:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.depth = 0  # touched only on the event loop

    async def run(self, render: Callable[[], Awaitable[T]]) -> T:
        if self.depth >= self.limit:
            raise Overloaded(self.limit)
        self.depth += 1
        try:
            return await render()
        finally:
            self.depth -= 1
