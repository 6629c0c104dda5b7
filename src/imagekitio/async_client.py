"""``AsyncImageKit``: the ``ImageKit`` methods as coroutines, on ``httpx2`` (extra ``async``).

Its API methods are declared once in ``imagekitio.api_methods`` and shared with ``ImageKit``
(request building, validation and response decoding included); only the transport differs.
``url``, ``phash_distance``, ``get_authentication_parameters`` and the other methods without I/O
stay plain methods. Use ``async with AsyncImageKit(...) as ik:`` or ``await ik.aclose()``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

from .async_transport import AsyncTransport
from .call_shells import AwaitingShell
from .client_core import ClientCore
from .wire import Operation

ResultT = TypeVar("ResultT")


class AsyncImageKit(ClientCore, AwaitingShell):
    _transport: AsyncTransport | None = None

    @property
    def transport(self) -> AsyncTransport:
        """The pooled ``httpx2`` transport, created on first use with the client's settings."""
        if self._transport is None:
            request = self.ik_request
            self._transport = AsyncTransport(timeout=request.timeout, retry=request.retry)
        return self._transport

    async def _send(self, operation: Operation[ResultT]) -> ResultT:
        return operation.decode(await self.transport.send(operation.request))

    async def aclose(self) -> None:
        """Close the pooled HTTP connections."""
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None

    async def __aenter__(self) -> AsyncImageKit:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
