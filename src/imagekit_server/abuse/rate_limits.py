"""Token buckets per client, in process memory.

Each limit is a rate per minute with a burst of a quarter of it (at least 1): a client may
send ``burst`` requests at once, then one every ``60 / rate`` seconds. With ``serve --workers
N`` every process keeps its own buckets and the kernel spreads connections over them, so a
client gets up to N times the rate: divide the setting by N for a server-wide figure.
Idle buckets (full again) are dropped when the table grows, so hostile clients cycling
addresses cannot grow it without bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

MAX_BUCKETS = 50_000  # clients tracked per limit before idle ones are dropped


class RateLimit:
    """``allow(client)`` -> 0 when a request may proceed, else seconds to wait."""

    def __init__(self, per_minute: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError("a rate limit must be positive")
        self.per_minute = per_minute
        self.burst = max(1.0, math.floor(per_minute / 4))
        self._per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, updated at)

    def allow(self, client: str) -> float:
        now = self._clock()
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
