"""One socket write per small response: uvicorn's httptools protocol, with the status line and
headers held back until the first body bytes, then written together.

uvicorn writes the headers of a response as soon as the app starts it, and the body in a second
write. On loopback with TCP_NODELAY each write is a syscall that wakes the client, and a
profile of a derived-cache hit had 48 % of the worker's time in those two writes (37 % in the
first alone). Holding the headers back makes it one write for every response whose body comes
in one message (every cache hit, every rendered image); streamed bodies carry the headers with
their first chunk. Bytes on the wire are unchanged.

uvicorn offers no hook for this, so ``install`` swaps its request/response cycle class for a
subclass; if uvicorn's internals ever differ from what the subclass expects, ``install`` leaves
uvicorn as it is (two writes, still correct).
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

_installed = False


class _HeldWrites:
    """A stand-in transport that keeps what is written (the response head)."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self.data: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.data.append(bytes(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _PrefixedWrites:
    """A stand-in transport whose first write (or close) sends ``head`` first, in one write."""

    def __init__(self, transport: Any, head: bytes) -> None:
        self._transport = transport
        self.head: bytes | None = head

    def write(self, data: bytes) -> None:
        head, self.head = self.head, None
        self._transport.write(head + data if head else data)

    def is_closing(self) -> bool:
        return bool(self._transport.is_closing())

    def flush(self) -> None:
        head, self.head = self.head, None
        if head and not self._transport.is_closing():  # a client gone: nothing to send
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _coalescing_cycle(base: type[Any]) -> type[Any]:
    class CoalescingCycle(base):  # type: ignore[misc, valid-type]
        """uvicorn's cycle, with the response head written together with the body."""

        _held: bytes | None = None
        transport: Any  # set by uvicorn's __init__

        async def send(self, message: Any) -> None:
            if message["type"] == "http.response.start" and not self.response_started:
                real = self.transport
                holder = _HeldWrites(real)
                self.transport = holder
                try:
                    await super().send(message)
                finally:
                    self.transport = real
                self._held = b"".join(holder.data)
                return
            if self._held is None:
                await super().send(message)
                return
            transport = self.transport
            prefixed = _PrefixedWrites(transport, self._held)
            self._held = None
            self.transport = prefixed
            try:
                await super().send(message)
            finally:
                self.transport = transport
                prefixed.flush()  # nothing written (HEAD, an empty body): send the head alone

    return CoalescingCycle


def install() -> bool:
    """Make this process's uvicorn httptools protocol coalesce response writes. Idempotent;
    False if uvicorn's internals are not what this module expects (nothing changed then)."""
    global _installed
    if _installed:
        return True
    try:
        from uvicorn.protocols.http import httptools_impl
    except ImportError:
        return False
    base = getattr(httptools_impl, "RequestResponseCycle", None)
    expected = ("send", "run_asgi", "response_started", "transport")
    if base is None or not all(
        hasattr(base, name) or name in base.__init__.__code__.co_names for name in expected
    ):
        logger.warning("uvicorn's internals changed: response writes are not coalesced")
        return False
    httptools_impl.RequestResponseCycle = _coalescing_cycle(base)  # type: ignore[misc]
    _installed = True
    return True
