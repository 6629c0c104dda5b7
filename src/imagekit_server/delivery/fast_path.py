"""Delivery requests (``GET``/``HEAD /<account>/...``) go straight to the delivery endpoint,
before FastAPI's middleware stack and the API router.

Matching a request against every API route, and four layers of middleware around it, cost more
than answering a cached image. Account ids can never be an API path segment (``v1``, ``api``,
``docs``... are refused as ids), so a request whose first segment names an existing account is a
delivery request; anything else goes through FastAPI as before (API routes, 404s and 405s).
The bytes each delivery response sends are counted here for the usage API (observability/usage.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from time import perf_counter

from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from imagekit_server.abuse.guard import Guard
from imagekit_server.accounts import Account, is_valid_account_id
from imagekit_server.context import ServerContext
from imagekit_server.delivery.endpoint import deliver
from imagekit_server.delivery.variant_response import BytesResponse, error_response
from imagekit_server.observability.answered import asked_slowly
from imagekit_server.observability.observer import Observer, observed_send
from imagekit_server.observability.request_context import (
    NO_VALUE,
    SCOPE_CACHE,
    SCOPE_ID,
    RequestRecord,
    current_request,
)
from imagekit_server.observability.usage import bandwidth_counter

logger = logging.getLogger(__name__)

# The methods of delivery, by themselves: the access log hashes and compares these lasting
# strings faster than the server's fresh copy of each request's method.
DELIVERY_METHODS = {"GET": "GET", "HEAD": "HEAD"}


class DeliveryFirstApp(FastAPI):
    """The server's ASGI app: FastAPI for the API, a short path for delivery. The observer
    (request ids; the access log and metrics when on) runs the API inside it, and delivery
    reports to it from the send wrapper it has anyway: a cache hit pays for no extra layer."""

    observer: Observer | None = None
    guard: Guard | None = None  # rate limits (abuse/guard.py), when any is set
    # ``state.context`` while the app runs (app.py), as a plain attribute: reading Starlette's
    # State costs ~1.5 us, for it raises and catches an AttributeError before looking.
    serving_context: ServerContext | None = None
    # its bandwidth counter's ``delivered``, looked up once rather than on every response
    count_bytes: Callable[[str, int], None] | None = None

    def serve(self, context: ServerContext | None) -> None:
        """Answer delivery with ``context`` from now on (None: the app has stopped)."""
        self.serving_context = context
        self.count_bytes = None if context is None else bandwidth_counter(context).delivered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (method := DELIVERY_METHODS.get(scope["method"])):
            account_id, separator, rest = scope["path"][1:].partition("/")
            context = self.serving_context
            account = None
            if separator and context is not None:
                # a known account (every delivery request, mostly): one dict lookup; else
                # the directory is asked, but not for API paths
                account = context.accounts.known(account_id)
                if account is None and is_valid_account_id(account_id):
                    account = context.accounts.by_id(account_id)
            if account is not None and context is not None:
                scope["app"] = self
                scope["path_params"] = {"account_id": account_id, "path": rest}
                await _deliver(
                    context, account, method, scope, receive, send, self.observer, self.count_bytes
                )
                return
        observer = self.observer
        if observer is not None and scope["type"] == "http":
            await observer(scope, receive, send, self._api)
        else:
            await self._api(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        record = current_request.get()
        if record is not None:
            send = observed_send(record, send)
        guard = self.guard
        if guard is not None and scope["type"] == "http":
            over = await guard.api_wait(scope)
            if over is not None:
                await guard.refuse(*over, send, receive)
                return
        await super().__call__(scope, receive, send)


async def _deliver(
    context: ServerContext,
    account: Account,
    method: str,
    scope: Scope,
    receive: Receive,
    send: Send,
    observer: Observer | None,
    count_bytes: Callable[[str, int], None] | None = None,
) -> None:
    account_id = account.id  # the account's own id: a lasting object the log hashes cheaply
    sent = 0
    status: int | None = None  # once the response has started
    start: Message | None = None
    answered = None  # where the request's fields go for the access log and metrics
    if observer is not None:
        if observer.records:
            answered = observer.answered
            started = perf_counter()
        request_id = scope[SCOPE_ID] = observer.ids.accept(scope["headers"])
        id_header = (b"x-request-id", request_id)

    async def counting_send(message: Message) -> None:
        nonlocal sent, start, status
        kind = message["type"]
        if kind == "http.response.body":
            sent += len(message.get("body", b""))
        elif kind == "http.response.start":
            start = message
            status = message["status"]
            if observer is not None:
                message["headers"] = [*message["headers"], id_header]
        elif kind == "http.response.pathsend" and start is not None:
            # The server sends the whole file itself: count what the head declared.
            sent += _content_length(start.get("headers", ()))
        await send(message)

    try:
        response = await deliver(Request(scope, receive), account, context)
        if type(response) is BytesResponse:
            # A body in hand (cache hits, errors): its size is known, so it goes to the
            # server's own send, without a wrapper's coroutine for each of its two messages.
            if observer is not None:
                response.headers = [*response.headers, id_header]  # its own list untouched
            status = response.status
            await response(scope, receive, send)
            sent = 0 if response.head_only else len(response.body)
        else:
            await response(scope, receive, counting_send)
    except Exception as error:
        # What Starlette's ServerErrorMiddleware would do for the API: log, answer 500 if
        # nothing was sent yet, else let the server drop the connection.
        token = None if observer is None else current_request.set(RequestRecord(request_id))
        logger.exception("delivery failed for %s", scope["path"])
        if token is not None:
            current_request.reset(token)
        if observer is not None:
            observer.count_failure(error)
        if status is not None:
            raise
        failed = error_response(500, "EINTERNAL - internal error", "Internal Server Error")
        if observer is not None:
            failed.headers.append(id_header)
        await failed(scope, receive, send)  # not counted as delivered bytes
    finally:
        if sent:
            (count_bytes or bandwidth_counter(context).delivered)(account_id, sent)
        if answered is not None:
            try:  # read from the scope directly: no itemgetter tuple made and unpacked
                raw_path = scope["raw_path"]
                host = scope["client"][0]
            except (KeyError, TypeError):  # no raw_path or no client in the scope (ASGI allows it)
                _, raw_path, _, host = asked_slowly(scope)
            # the fields of observability/answered.py, in its order, flat
            answered(
                (
                    perf_counter(),
                    started,
                    request_id,
                    method,
                    raw_path,
                    scope["query_string"],
                    host,
                    500 if status is None else status,
                    sent,
                    scope.get(SCOPE_CACHE, NO_VALUE),
                    account_id,
                )
            )


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int:
    for name, value in headers:
        if name.lower() == b"content-length" and value.isdigit():
            return int(value)
    return 0
