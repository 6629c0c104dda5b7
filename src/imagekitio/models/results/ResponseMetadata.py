from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class ResponseMetadata(OpenResult):
    """The raw side of a response: parsed JSON body, status code and headers.

    ``headers`` is a case-insensitive mapping, so ``headers["x-ratelimit-limit"]`` works.
    """

    def __init__(
        self, raw: Any = None, http_status_code: Any = None, headers: Any = None, **kwargs: Any
    ) -> None:
        self.raw = raw
        self.http_status_code = http_status_code
        self.headers = headers
        self._keep_extras(kwargs)

    def __repr__(self) -> str:
        return f"ResponseMetadata(http_status_code={self.http_status_code!r}, raw={self.raw!r})"

    __str__ = __repr__
