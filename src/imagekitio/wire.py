"""What goes over the wire, independent of any HTTP library.

An ``Operation`` pairs the ``ApiRequest`` a method sends with the function that turns the
``ApiResponse`` into a result or an exception. Operations are built by the pure functions in
``imagekitio.operations``; the sync and async transports only move bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from requests.structures import CaseInsensitiveDict

if TYPE_CHECKING:
    from .multipart import MultipartBody

ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP request. ``retry_safe`` marks requests that may be sent again on failure."""

    method: str
    url: str
    headers: Mapping[str, str]
    params: tuple[tuple[str, str], ...] = ()
    body: bytes | str | MultipartBody | None = None
    retry_safe: bool = False


@dataclass(frozen=True)
class ApiResponse:
    """A fully read HTTP response; ``headers`` is case-insensitive."""

    status_code: int
    headers: CaseInsensitiveDict[str] = field(default_factory=CaseInsensitiveDict)
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` if it is not JSON."""
        return json.loads(self.content)


@dataclass(frozen=True)
class Operation(Generic[ResultT]):
    request: ApiRequest
    decode: Callable[[ApiResponse], ResultT]


def json_body(data: Any) -> str:
    """Serialise like 4.x did: the ``str`` of ``json.dumps`` with its defaults (``", "`` and
    ``": "`` separators, ASCII escapes), passed to the HTTP library as is, so tests that mock
    HTTP and compare request bodies see what they saw with 4.x."""
    return json.dumps(data)
