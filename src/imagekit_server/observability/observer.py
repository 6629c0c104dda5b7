"""Follows every HTTP request: gives it an id (``X-Request-Id`` on the response, and on every
log line written for it, whatever else is on), times it, and leaves its fields for the access
log and the metrics, which ``flush`` hands them in batches (observability/answered.py).

API requests run inside ``Observer.__call__`` (their record in a context variable, their
response seen through ``observed_send``). Delivery requests, the hot path, get their id from
``ids.accept`` and report through ``answered`` (their own pending list's ``extend``) from the
fast path (delivery/fast_path.py): no extra coroutine layer, no record object and no Python
call of ours on a cache hit once the id is made. Kept apart from the rest, a batch of delivery
requests is one route for the metrics; the access log merges the two by time.
Nothing is formatted per request (observability/__init__.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from time import perf_counter

from starlette.types import Message, Receive, Scope, Send

from imagekit_server.observability.access_log import AccessLog
from imagekit_server.observability.answered import Pending, asked_slowly
from imagekit_server.observability.metrics import Metrics
from imagekit_server.observability.request_context import (
    SCOPE_CACHE,
    RequestIds,
    RequestRecord,
    current_request,
)

ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]
_UPLOAD_PATHS = ("/api/v1/files/upload", "/api/v2/files/upload")
_OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def route_class(path: str) -> str:
    """delivery | upload | api | ops | other: few enough label values for Prometheus."""
    if path.startswith(_UPLOAD_PATHS):
        return "upload"
    if path.startswith(("/v1/", "/v2/", "/api/")):
        return "api"
    return "ops" if path in _OPS_PATHS else "other"


class Observer:
    """Request ids always; the fields of answered requests only when ``records`` (an access
    log or metrics to feed)."""

    def __init__(self, access_log: AccessLog | None, *, records: bool = True) -> None:
        self.access_log = access_log
        self.records = records
        self.metrics: Metrics | None = None  # attached when the app starts (its context's)
        self.ids = RequestIds()
        self._delivered = Pending("delivery")  # delivery requests (the hot path)
        self._other = Pending()  # the API, health checks, metrics scrapes
        # A delivery request's fields, in answered.py's order (delivery/fast_path.py): the
        # list's own ``extend``, so a cache hit runs no Python frame of ours to report.
        self.answered = self._delivered.add

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: ASGI) -> None:
        """Runs an API request (``app``) with its record in context; ``observed_send`` fills
        in its status and size."""
        record = RequestRecord(self.ids.accept(scope["headers"]))
        token = current_request.set(record)
        try:
            await app(scope, receive, send)
        except Exception as error:
            self.count_failure(error)
            raise
        finally:
            current_request.reset(token)
            if self.records:
                self._record(scope, record)

    def _record(self, scope: Scope, record: RequestRecord) -> None:
        ended = perf_counter()
        cache = scope.get(SCOPE_CACHE, record.cache)
        route = route_class(scope["path"])
        started, status, sent, account = record.started, record.status, record.sent, record.account
        self._other.add((ended, started, record.id_bytes, *asked_slowly(scope)))
        self._other.add((status, sent, cache, account, route))

    def flush(self) -> None:
        """Writes the access-log lines and counts the metrics of the requests answered since
        the last flush. On the event loop: the flush task, a scrape, shutdown."""
        batches = [batch for batch in (self._delivered.drain(), self._other.drain()) if batch]
        if not batches:
            return
        try:
            if self.access_log is not None:
                self.access_log.write(*batches)
        finally:  # a log the disk refuses must not lose the batch's metrics too
            if self.metrics is not None:
                for batch in batches:
                    self.metrics.count(batch)

    def count_failure(self, error: BaseException) -> None:
        """A request that failed on the database or the blob store (metrics by backend)."""
        backend = failed_backend(error)
        if backend is not None and self.metrics is not None:
            self.metrics.backend_error(backend)


def failed_backend(error: BaseException) -> str | None:
    """ "database", "storage" or None, from the exception's type (and its causes). Modules
    are compared by name: the serving process does not import botocore for S3 errors."""
    seen: BaseException | None = error
    while seen is not None:
        module = type(seen).__module__
        if module.startswith(("sqlalchemy", "psycopg", "sqlite3")):
            return "database"
        if module.startswith(("botocore", "boto3", "imagekit_server.storage")) or isinstance(
            seen, OSError
        ):
            return "storage"
        seen = seen.__cause__ or seen.__context__
    return None


def observed_send(record: RequestRecord, send: Send) -> Send:
    """``send`` that notes the status and body size in ``record`` and adds X-Request-Id."""
    declared = 0

    async def observing(message: Message) -> None:
        nonlocal declared
        kind = message["type"]
        if kind == "http.response.body":
            record.sent += len(message.get("body", b""))
        elif kind == "http.response.start":
            record.status = message["status"]
            headers = message.get("headers", ())
            message["headers"] = [*headers, record.id_header()]
            declared = _content_length(headers)
        elif kind == "http.response.pathsend":
            record.sent += declared  # the server sends the file itself
        await send(message)

    return observing


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int:
    for name, value in headers:
        if name.lower() == b"content-length" and value.isdigit():
            return int(value)
    return 0
