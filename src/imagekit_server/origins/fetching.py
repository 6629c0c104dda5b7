"""What every origin fetcher returns or raises (fetchers.py picks the fetcher for an origin).

A fetch either writes the file to a destination path (``Fetched``), confirms the cached copy is
still current (``NOT_MODIFIED``), finds nothing (``OriginMissing``: the next origin is tried) or
fails (``OriginFailure`` with an ``ik-error`` code such as ``ECONNREFUSED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol


@dataclass(frozen=True)
class Validators:
    """The origin's validators of a cached copy, sent back for revalidation."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Fetched:
    size: int
    content_type: str | None
    etag: str | None
    last_modified: str | None


NOT_MODIFIED: Literal["not-modified"] = "not-modified"
FetchResult = Fetched | Literal["not-modified"]


class OriginMissing(Exception):
    """The origin does not have the file."""


class OriginFailure(Exception):
    """The origin could not be asked; ``code`` is the ``ik-error`` code (ECONNREFUSED,
    ETIMEDOUT, EACCES, ELIMIT, UNIDENTIFIED), the message is safe to show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def ik_error(self) -> str:
        return f"{self.code} - {self.message}"


@dataclass(frozen=True)
class FetchLimits:
    timeout: float  # seconds for the whole fetch
    max_bytes: int


class Fetcher(Protocol):
    def fetch(self, path: str, destination: Path, validators: Validators | None) -> FetchResult:
        """Fetch ``path`` (a "/"-rooted path, or an absolute URL for web proxies) into
        ``destination``. Blocking; call it in a worker thread."""
