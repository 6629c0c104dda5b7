"""The record every request carries while it runs: its id, the account it acted for and the
cache layer that answered it. Code anywhere in the request (threads included: anyio copies
the context) reaches it through ``current_request``; the observer reads it when the response
is done."""

from __future__ import annotations

import os
import re
import time
from contextvars import ContextVar

# A client's X-Request-Id is kept when it is this plain (UUIDs, trace ids); else a new one.
_SANE_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


class RequestRecord:
    """Mutable on purpose: a thread or task that shares the request's context fills it in."""

    __slots__ = ("account", "cache", "id_bytes", "sent", "started", "status")

    def __init__(self, id_bytes: bytes) -> None:
        self.id_bytes = id_bytes  # bytes: it goes into a header on every response
        self.started = time.perf_counter()
        self.account = ""
        self.cache = ""  # "memory", "derived" (hits), "render" (miss), "" (not a variant)
        self.status = 500  # until a response starts
        self.sent = 0  # body bytes

    @property
    def request_id(self) -> str:
        return self.id_bytes.decode("ascii")

    def id_header(self) -> tuple[bytes, bytes]:
        return (b"x-request-id", self.id_bytes)


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


SCOPE_KEY = "imagekit.request"  # a delivery request's record in its ASGI scope


def current_request_id() -> str:
    record = current_request.get()
    return record.request_id if record is not None else "-"


class RequestIds:
    """Ids unique across processes and restarts without a random draw per request: a random
    per-process prefix and a counter."""

    __slots__ = ("_count", "_prefix")

    def __init__(self) -> None:
        self._prefix = os.urandom(6).hex().encode() + b"-"
        self._count = 0

    def new(self) -> bytes:
        self._count += 1
        return self._prefix + b"%x" % self._count

    def accept(self, offered: bytes | None) -> bytes:
        """The client's id when sane (so it can follow a request through its proxies)."""
        if offered and _SANE_ID.fullmatch(offered):
            return offered
        return self.new()
