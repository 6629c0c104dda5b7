"""``ImageKit``: the 4.x-compatible synchronous client.

Its API methods are declared once in ``imagekitio.api_methods`` and shared with
``AsyncImageKit``; here they block on the ``requests`` transport of ``ImageKitRequest``.

Beyond 4.x (all keyword-only, all optional): ``api_base_url``/``upload_base_url`` (see
``imagekitio.request_context`` for the precedence with environment variables and
``imagekitio.constants.url.URL``), ``timeout`` in seconds to wait for a connection and for each
read of every request (a float, or a ``(connect, read)`` pair) and ``max_retries`` for requests
that are safe to repeat. The client keeps one pooled HTTP session; ``close()`` it, or use it as a
context manager.
"""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import TypeVar

from .call_shells import BlockingShell
from .client_core import ClientCore
from .file import File
from .wire import Operation

ResultT = TypeVar("ResultT")


class ImageKit(ClientCore, BlockingShell):
    @cached_property
    def file(self) -> File:
        """The 4.x ``File`` object over this client's connection."""
        return File(self.ik_request)

    def _send(self, operation: Operation[ResultT]) -> ResultT:
        return self.ik_request.send(operation)

    def close(self) -> None:
        """Close the pooled HTTP connections."""
        self.ik_request.close()

    def __enter__(self) -> ImageKit:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
