"""When to send a request again, and after how long (pure; the transports do the sleeping).

Only requests marked ``retry_safe`` are retried (GET, DELETE, PUT and the set-like tag
operations; never uploads or other POSTs), after a connection error, a timeout, or a 429, 500,
502, 503 or 504 response. The wait honours ``Retry-After`` (seconds or an HTTP date), then
``X-RateLimit-Reset`` (milliseconds, ImageKit's header), else grows exponentially with jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from .errors import APIConnectionError
from .wire import ApiRequest, ApiResponse

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` extra attempts after the first one (0 disables retries)."""

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_server_wait: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")

    def delay(
        self,
        attempt: int,
        retry_safe: bool,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or ``None`` to stop.

        ``status`` is ``None`` when the attempt failed without a response.
        """
        if not retry_safe or attempt >= self.max_retries:
            return None
        if status is not None and status not in RETRYABLE_STATUSES:
            return None
        server_wait = server_requested_wait(headers or {})
        if server_wait is not None:
            # A server asking for a longer pause than we accept gets its error back instead.
            return server_wait if server_wait <= self.max_server_wait else None
        backoff = min(self.backoff_max, self.backoff_base * 2.0**attempt)
        jitter: float = random.uniform(0.5, 1.0)
        return backoff * jitter


class Attempts:
    """One request's retry loop without the I/O: the transports send and sleep, this decides.

    ``after`` takes what an attempt gave (the response, or the connection error it ended in)
    and returns the response to hand back, or the seconds to wait before the next attempt;
    it raises the error once no attempt is left.
    """

    def __init__(self, policy: RetryPolicy, request: ApiRequest) -> None:
        self.policy = policy
        self.retry_safe = request.retry_safe
        self.made = 0

    def after(self, outcome: ApiResponse | APIConnectionError) -> ApiResponse | float:
        if isinstance(outcome, APIConnectionError):
            delay = self.policy.delay(self.made, self.retry_safe)
            if delay is None:
                raise outcome
        else:
            delay = self.policy.delay(
                self.made, self.retry_safe, outcome.status_code, outcome.headers
            )
            if delay is None:
                return outcome
        self.made += 1
        return delay


def server_requested_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from ``Retry-After`` or ``X-RateLimit-Reset`` (ms); ``None`` if absent/invalid."""
    retry_after = _header(headers, "retry-after")
    if retry_after is not None:
        try:
            return max(float(retry_after), 0.0)
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(retry_after).timestamp()
        except (TypeError, ValueError, IndexError):
            return None
        return max(moment - (time.time() if now is None else now), 0.0)
    reset_ms = _header(headers, "x-ratelimit-reset")
    if reset_ms is not None:
        try:
            return max(float(reset_ms) / 1000.0, 0.0)
        except ValueError:
            return None
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
