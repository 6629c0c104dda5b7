"""Token buckets in Redis, shared by every server that names the same Redis
(``IMAGEKIT_REDIS_URL``): behind a load balancer a client gets the configured rate from the
whole deployment, not once per server.

A bucket is a Redis hash (tokens, updated at) read and written by one Lua script, so taking a
token is atomic across servers, and timed by Redis's own clock (``TIME``): the servers' clocks
need not agree. Each key expires once its bucket would be full again, so Redis holds only the
clients seen lately. Key names carry a hash of the client, never the client itself: an API
key is the user name of HTTP Basic auth, and ImageKit's is the private key.

When Redis cannot be reached each server applies the limits alone, from its own buckets
(rate_limits.py), and tries Redis again after ``RETRY_SECONDS``: an outage of the shared store
neither stops the service nor lifts the limits.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # after a failure, the local buckets serve this long before Redis again
TIMEOUT_SECONDS = 0.25  # to connect or answer: a limit check must not hold a request long

# KEYS[1]: the bucket; ARGV: burst, tokens per second. Returns the seconds to wait (0: a token
# was taken) as text: Redis turns a Lua number into an integer reply.
_TAKE = """
if redis.replicate_commands then redis.replicate_commands() end
local burst, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at',
           string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return string.format('%.6f', wait)
"""


class RedisUnavailable(Exception):
    """Redis did not answer (down, unreachable, too slow, refused the script)."""


class RedisBuckets:
    """The buckets of one limit in Redis. Made in each worker process (its connections belong
    to that process's event loop); connects on first use."""

    def __init__(self, url: str, prefix: str, limit: str) -> None:
        self.on_failure: Callable[[], None] | None = None  # e.g. a metric's increment
        self._url = url
        self._prefix = f"{prefix}rate:{limit}:"
        self._client: Any = None
        self._script: Any = None  # the Lua script, callable, once connected
        self._errors: tuple[type[BaseException], ...] = ()
        self._down_until = 0.0
        self._failed = False  # since the last answer

    @property
    def available(self) -> bool:
        """False for ``RETRY_SECONDS`` after a failure."""
        return time.monotonic() >= self._down_until

    async def take(self, client: str, burst: float, per_second: float) -> float:
        """Take a token for ``client``: 0 when one was there, else seconds until one is.
        Raises ``RedisUnavailable`` (and stays unavailable for ``RETRY_SECONDS``)."""
        if self._script is None:
            self._connect()
        digest = hashlib.blake2b(client.encode("utf-8", "surrogatepass"), digest_size=12)
        try:
            answer = await self._script(
                keys=[self._prefix + digest.hexdigest()], args=[burst, per_second]
            )
        except self._errors as error:
            was_up = self.available  # requests in flight when it went down: one warning
            self._down_until = time.monotonic() + RETRY_SECONDS
            self._failed = True
            if self.on_failure is not None:
                self.on_failure()
            if was_up:
                logger.warning(
                    "rate limits: Redis did not answer (%s); this server applies them alone "
                    "for the next %g s",
                    error,
                    RETRY_SECONDS,
                )
            raise RedisUnavailable(str(error)) from error
        if self._failed:
            self._failed = False
            logger.info("rate limits: Redis answers again; they are shared again")
        return float(answer)

    def _connect(self) -> None:
        import redis.asyncio  # only where a Redis is configured
        import redis.exceptions

        self._client = redis.asyncio.Redis.from_url(
            self._url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            decode_responses=True,
        )
        self._script = self._client.register_script(_TAKE)
        self._errors = (redis.exceptions.RedisError, OSError, TimeoutError)

    async def aclose(self) -> None:
        """Close the connections (when the app stops)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = self._script = None
