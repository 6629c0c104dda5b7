"""Single flight: concurrent callers asking for the same key share one run of the work.

A burst of requests for one thing that is not cached yet (a variant to render, an original to
fetch from an origin, a database row to reload) must cost one render, fetch or query, not one
per request. Event-loop only; no locks.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class SingleFlight(Generic[K, V]):
    """The work in progress per key. The work runs as its own task, so a caller that goes away
    (a client disconnecting) does not cancel it for the others; its result or exception
    reaches every caller."""

    def __init__(self) -> None:
        self._pending: dict[K, asyncio.Future[V]] = {}

    def __contains__(self, key: K) -> bool:
        return key in self._pending

    def __len__(self) -> int:
        return len(self._pending)

    def start(self, key: K, work: Callable[[], Awaitable[V]]) -> asyncio.Future[V]:
        """The run in progress for ``key``, or a new run of ``work()``; not awaited."""
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(work())
            self._pending[key] = pending
            pending.add_done_callback(functools.partial(self._finished, key))
        return pending

    async def run(self, key: K, work: Callable[[], Awaitable[V]]) -> V:
        """Await the run in progress for ``key``, or a new run of ``work()``."""
        return await asyncio.shield(self.start(key, work))

    def _finished(self, key: K, done: asyncio.Future[V]) -> None:
        if self._pending.get(key) is done:
            del self._pending[key]
        if not done.cancelled():
            done.exception()  # retrieved: callers re-raise it, the loop must not log it
