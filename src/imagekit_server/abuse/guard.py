"""Applies the rate limits: uploads and management API calls at the ASGI edge (before FastAPI
parses a body), uncached renders from the delivery path. A client is limited by address and,
when it sends one, by API key (HTTP Basic user name); either running dry answers 429 with
``Retry-After`` and ImageKit's rate-limit headers (milliseconds), in ImageKit's JSON error
shape for the API. With ``IMAGEKIT_REDIS_URL`` the buckets are the deployment's, in Redis
(rate_limits.py)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable

from starlette.types import Receive, Scope, Send

from imagekit_server.abuse.rate_limits import RateLimit, retry_after_seconds, shared_buckets
from imagekit_server.abuse.redis_buckets import RedisBuckets
from imagekit_server.imaging import TransformationError
from imagekit_server.settings import Settings

UPLOAD_PATHS = ("/api/v1/files/upload", "/api/v2/files/upload")
API_PREFIXES = ("/v1/", "/v2/", "/api/")


def install_guard(app: object, settings: Settings) -> None:
    """Give the app (a DeliveryFirstApp) its guard when any rate limit is set."""
    if settings.rate_limit_uploads or settings.rate_limit_api or settings.rate_limit_renders:
        app.guard = Guard(settings)  # type: ignore[attr-defined]


class Guard:
    def __init__(self, settings: Settings) -> None:
        self.help = settings.error_help
        self.forwarded_for = settings.trust_forwarded_for
        self.uploads = _limit("uploads", settings.rate_limit_uploads, settings)
        self.api = _limit("api", settings.rate_limit_api, settings)
        self.renders = _limit("renders", settings.rate_limit_renders, settings)

    def client_address(self, scope: Scope) -> str:
        if self.forwarded_for:
            for name, value in scope["headers"]:
                if name == b"x-forwarded-for":
                    # the last hop is the one our own proxy added: the only one to trust
                    return value.decode("latin-1").rsplit(",", 1)[-1].strip() or "-"
        client = scope.get("client")
        return str(client[0]) if client else "-"

    async def api_wait(self, scope: Scope) -> tuple[float, RateLimit] | None:
        """Seconds an upload or API request must wait (and the limit it hit), or None."""
        path: str = scope["path"]
        if path.startswith(UPLOAD_PATHS):
            limit = self.uploads
        elif path.startswith(API_PREFIXES):
            limit = self.api
        else:
            return None
        if limit is None:
            return None
        wait = await limit.wait("ip:" + self.client_address(scope))
        key = _basic_user(scope)
        if not wait and key:
            wait = await limit.wait("key:" + key)
        return (wait, limit) if wait else None

    async def render_wait(self, scope: Scope) -> tuple[float, RateLimit] | None:
        if self.renders is None:
            return None
        wait = await self.renders.wait("ip:" + self.client_address(scope))
        return (wait, self.renders) if wait else None

    def report_failures(self, on_failure: Callable[[], None]) -> None:
        """Call ``on_failure`` each time the shared store (Redis) fails a check."""
        for limit in self._limits():
            limit.report_failures(on_failure)

    async def aclose(self) -> None:
        """Close what the limits hold open (Redis connections), when the app stops."""
        for limit in self._limits():
            await limit.aclose()

    def _limits(self) -> list[RateLimit]:
        return [limit for limit in (self.uploads, self.api, self.renders) if limit is not None]

    async def refuse(self, wait: float, limit: RateLimit, send: Send, receive: Receive) -> None:
        body = json.dumps(
            {
                "message": "Too many requests: this client is over its rate limit; retry later.",
                "help": self.help,
            }
        ).encode()
        headers = [(b"content-type", b"application/json"), *rate_limit_headers(wait, limit)]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class Throttled(TransformationError):
    """An uncached render refused by the render rate limit (429 with its headers)."""

    def __init__(self, wait: float, limit: RateLimit) -> None:
        super().__init__(429, "ETOOMANYREQUESTS", "too many uncached renders from this client")
        self.headers = rate_limit_headers(wait, limit)


def rate_limit_headers(wait: float, limit: RateLimit) -> list[tuple[bytes, bytes]]:
    interval_ms = round(60_000 * limit.burst / limit.per_minute)
    return [
        (b"retry-after", str(retry_after_seconds(wait)).encode()),
        (b"x-ratelimit-limit", str(int(limit.burst)).encode()),
        (b"x-ratelimit-reset", str(math_ceil_ms(wait)).encode()),
        (b"x-ratelimit-interval", str(interval_ms).encode()),
        (b"cache-control", b"no-store"),
    ]


def math_ceil_ms(seconds: float) -> int:
    return max(1, int(seconds * 1000 + 0.999))


def _limit(name: str, per_minute: float, settings: Settings) -> RateLimit | None:
    if per_minute <= 0:
        return None
    redis = None
    if settings.redis_url:
        redis = RedisBuckets(settings.redis_url, settings.redis_prefix, name)
    return RateLimit(per_minute, shared=shared_buckets(name), redis=redis)


def _basic_user(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"authorization" and value[:6].lower() == b"basic ":
            try:
                decoded = base64.b64decode(value[6:].strip(), validate=True)
            except (binascii.Error, ValueError):
                return ""
            return decoded.partition(b":")[0].decode("latin-1")
    return ""
