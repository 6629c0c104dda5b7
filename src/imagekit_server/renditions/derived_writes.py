"""Writing a fresh variant to the derived cache after its response, not before.

Storing a rendered variant is a temp file, a write, an ``fsync`` and a rename on a blob-store
thread (or a PUT to S3): on an uncached request it used to sit between the render and the
response. The response needs only the bytes, which are in memory, so the write now runs as a
background task of the process's event loop. Until it lands, another process asking for the
same variant renders it again (as before for requests that raced), and a purge that arrives
meanwhile may be followed by the write of the variant it purged, as a render that started before
a purge always could; both leave only a cache entry behind, never a wrong response, since the
variant's name covers the source version (delivery/derived_cache.py).

Writes in flight are bounded (``MAX_PENDING``): past that, a request waits for its own write, so
a burst of renders faster than the store cannot pile up their bytes in memory.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import zlib
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext

MAX_PENDING = 64
STRIPES = 16

logger = logging.getLogger(__name__)


class DerivedWrites:
    """The derived-cache writes of one process that have not finished yet."""

    def __init__(self, max_pending: int = MAX_PENDING) -> None:
        self._pending: set[asyncio.Task[None]] = set()
        self._max_pending = max_pending
        # Per stripe of file ids: purges seen, and a lock a purge takes to wait for the write
        # in progress. A purge makes the pending writes of its stripe skip (other files' too:
        # a lost cache entry, never a wrong one), and memory stays bounded.
        self._purges = [0] * STRIPES
        self._locks = [threading.Lock() for _ in range(STRIPES)]

    def generation(self, file_id: str) -> int:
        return self._purges[_stripe(file_id)]

    def write_unless_purged(self, file_id: str, generation: int, write: Callable[[], int]) -> int:
        """``write()`` (blocking) unless ``file_id`` was purged since ``generation``; 0 then."""
        stripe = _stripe(file_id)
        with self._locks[stripe]:
            if self._purges[stripe] != generation:
                return 0
            return write()

    def purged(self, file_id: str) -> None:
        """Before deleting the file's variants (any thread): its pending writes skip."""
        stripe = _stripe(file_id)
        with self._locks[stripe]:
            self._purges[stripe] += 1

    async def submit(self, write: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``write`` after the caller's response; inline when too many are in flight."""
        if len(self._pending) >= self._max_pending:
            await write()
            return
        task = asyncio.get_running_loop().create_task(write())
        self._pending.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("storing a rendered variant failed", exc_info=task.exception())

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def drain(self) -> None:
        """Wait for every write in flight (tests; shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)


def _stripe(file_id: str) -> int:
    return zlib.crc32(file_id.encode()) % STRIPES


async def drain_derived_writes(context: ServerContext) -> None:
    """At shutdown, before the last ledger flush: let the writes in flight land and be noted."""
    await context.component(DerivedWrites, DerivedWrites).drain()
