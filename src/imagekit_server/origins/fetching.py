"""What every origin fetcher returns or raises, and the fetcher for an origin.

A fetch either writes the file to a destination path (``Fetched``), confirms the cached copy is
still current (``NOT_MODIFIED``), finds nothing (``OriginMissing``: the next origin is tried) or
fails (``OriginFailure`` with an ``ik-error`` code such as ``ECONNREFUSED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from imagekit_server.origins.models import S3, S3_COMPATIBLE, WEB_FOLDER, WEB_PROXY, Origin
from imagekit_server.settings import Settings


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


def fetcher_for(origin: Origin, settings: Settings, request_host: str | None = None) -> Fetcher:
    """``request_host`` is the delivery request's Host, sent on to web folders that ask for
    it (``forwardHostHeaderToOrigin``)."""
    limits = FetchLimits(settings.origin_timeout_seconds, settings.max_upload_bytes)
    if origin.type in (S3, S3_COMPATIBLE):
        from imagekit_server.origins.s3_fetch import S3Fetcher

        return S3Fetcher(origin, settings.fetch_allowlist, limits)
    if origin.type in (WEB_FOLDER, WEB_PROXY):
        from imagekit_server.origins.web_fetch import WebFetcher

        base = origin.config.get("baseUrl") if origin.type == WEB_FOLDER else None
        forward = origin.config.get("forwardHostHeaderToOrigin") and request_host
        return WebFetcher(base, settings.fetch_allowlist, limits, forward or None)
    raise OriginFailure("UNIDENTIFIED", f"origin type {origin.type} cannot be fetched from")
