"""What a request carries while it runs: its id, the account it acted for and the cache layer
that answered it.

An API request's ``RequestRecord`` sits in a context variable, so code anywhere in it (threads
included: anyio copies the context) reaches it through ``current_request``. A delivery request,
the hot path, has no record: its id and cache layer ride in its ASGI scope (``SCOPE_ID``,
``SCOPE_CACHE``), and a render puts a record in context only while it runs
(delivery/transformed.py)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from itertools import chain, count

# A client's X-Request-Id is kept when it is this plain (UUIDs, trace ids); else a new one.
_SANE_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_HEADER = b"x-request-id"  # ASGI servers give lower-case names

SCOPE_ID = "imagekit.request_id"  # a delivery request's id (bytes) in its ASGI scope
SCOPE_CACHE = "imagekit.cache"  # the layer that answered a variant: memory, derived, render
NO_VALUE = "-"  # an access-log field (cache, account, client) that does not apply


class RequestRecord:
    """Mutable on purpose: a thread or task that shares the request's context fills it in."""

    __slots__ = ("account", "cache", "id_bytes", "sent", "started", "status")

    def __init__(self, id_bytes: bytes) -> None:
        self.id_bytes = id_bytes  # bytes: it goes into a header on every response
        self.started = time.perf_counter()
        self.account = NO_VALUE
        self.cache = NO_VALUE  # "memory", "derived" (hits), "render" (miss)
        self.status = 500  # until a response starts
        self.sent = 0  # body bytes

    @property
    def request_id(self) -> str:
        return self.id_bytes.decode("ascii")

    def id_header(self) -> tuple[bytes, bytes]:
        return (_HEADER, self.id_bytes)


current_request: ContextVar[RequestRecord | None] = ContextVar("current_request", default=None)


def note_account(account_id: str) -> None:
    """The account the request acts for (the API once it authenticated the key)."""
    record = current_request.get()
    if record is not None:
        record.account = account_id


def note_cache(layer: str) -> None:
    record = current_request.get()
    if record is not None:
        record.cache = layer


def current_request_id() -> str:
    record = current_request.get()
    return record.request_id if record is not None else "-"


class RequestIds:
    """Ids unique across processes and restarts without a random draw per request: a random
    per-process prefix and a counter in hex (``3f9c0a1b2c4d-1a2b``). They are made 4,096 at a
    time (the counter's last three hex digits come from a table), so taking one is a single
    C call."""

    __slots__ = ("_prefix", "new")

    def __init__(self) -> None:
        self._prefix = os.urandom(6).hex().encode() + b"-"
        self.new = chain.from_iterable(self._blocks()).__next__

    def _blocks(self) -> Iterator[list[bytes]]:
        for high in count():
            yield list(map((self._prefix + b"%x" % high).__add__, _LOW_DIGITS))

    def accept(self, headers: Iterable[tuple[bytes, bytes]]) -> bytes:
        """The client's X-Request-Id when sane (so it can follow a request through its
        proxies), else a new id."""
        for name, value in headers:
            if name == _HEADER:
                if _SANE_ID.fullmatch(value):
                    return value
                break
        return self.new()


_LOW_DIGITS = [b"%03x" % low for low in range(4096)]
