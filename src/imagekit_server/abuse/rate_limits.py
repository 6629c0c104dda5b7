"""Token buckets per client, in process memory.

Each limit is a rate per minute with a burst of a quarter of it (at least 1): a client may
send ``burst`` requests at once, then one every ``60 / rate`` seconds. One process keeps its
buckets in a dict; idle buckets (full again) are dropped when it grows, so hostile clients
cycling addresses cannot grow it without bound. Under ``serve --workers N`` the supervisor
calls ``share_between_processes`` before it forks, and every worker's limits then use the same
buckets in shared memory (shared_buckets.py): the rate holds for the whole server. Servers
that name the same Redis (``IMAGEKIT_REDIS_URL``) share their buckets there
(redis_buckets.py), so the rate holds for the whole deployment; while Redis is unreachable each
server falls back to its own buckets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from imagekit_server.abuse.redis_buckets import RedisBuckets, RedisUnavailable
from imagekit_server.abuse.shared_buckets import SharedBuckets

MAX_BUCKETS = 50_000  # clients tracked per limit before idle ones are dropped
LIMITS = ("uploads", "api", "renders")
_shared: dict[str, SharedBuckets] = {}


def share_between_processes() -> None:
    """Make every limit's buckets shared memory, inherited by the processes forked next."""
    for name in LIMITS:
        _shared.setdefault(name, SharedBuckets())


def shared_buckets(name: str) -> SharedBuckets | None:
    """The shared buckets of limit ``name`` in a forked worker, else None (one process)."""
    return _shared.get(name)


class RateLimit:
    """``await wait(client)`` -> 0 when a request may proceed, else seconds to wait."""

    def __init__(
        self,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedBuckets | None = None,
        redis: RedisBuckets | None = None,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("a rate limit must be positive")
        self.per_minute = per_minute
        self.burst = max(1.0, math.floor(per_minute / 4))
        self._per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, updated at)
        self._shared = shared
        self._redis = redis

    async def wait(self, client: str) -> float:
        """The deployment's buckets in Redis when there is one and it answers, else
        ``allow``'s."""
        if self._redis is not None and self._redis.available:
            try:
                return await self._redis.take(client, self.burst, self._per_second)
            except RedisUnavailable:
                pass
        return self.allow(client)

    def report_failures(self, on_failure: Callable[[], None]) -> None:
        """Call ``on_failure`` each time Redis fails a check."""
        if self._redis is not None:
            self._redis.on_failure = on_failure

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

    def allow(self, client: str) -> float:
        """This server's buckets (its process's, or shared by its workers)."""
        now = self._clock()
        if self._shared is not None:
            return self._shared.take(client, self.burst, self._per_second, now)
        tokens, updated = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - updated) * self._per_second)
        if tokens >= 1.0:
            self._store(client, tokens - 1.0, now)
            return 0.0
        self._store(client, tokens, now)
        return (1.0 - tokens) / self._per_second

    def _store(self, client: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= MAX_BUCKETS and client not in self._buckets:
            self._forget_idle(now)
        self._buckets[client] = (tokens, now)

    def _forget_idle(self, now: float) -> None:
        refill = self._per_second
        self._buckets = {
            client: (tokens, updated)
            for client, (tokens, updated) in self._buckets.items()
            if tokens + (now - updated) * refill < self.burst
        }
        if len(self._buckets) >= MAX_BUCKETS:  # all busy: forget the oldest half
            ordered = sorted(self._buckets.items(), key=lambda item: item[1][1])
            self._buckets = dict(ordered[len(ordered) // 2 :])


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))
