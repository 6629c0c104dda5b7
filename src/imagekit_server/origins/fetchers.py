"""The fetcher for an origin (the fetchers build on the types of fetching.py)."""

from __future__ import annotations

from imagekit_server.origins.fetching import Fetcher, FetchLimits, OriginFailure
from imagekit_server.origins.models import S3, S3_COMPATIBLE, WEB_FOLDER, WEB_PROXY, Origin
from imagekit_server.settings import Settings


def fetcher_for(origin: Origin, settings: Settings, request_host: str | None = None) -> Fetcher:
    """``request_host`` is the delivery request's Host, sent on to web folders that ask for
    it (``forwardHostHeaderToOrigin``)."""
    limits = FetchLimits(settings.origin_timeout_seconds, settings.max_upload_bytes)
    if origin.type in (S3, S3_COMPATIBLE):
        # Imported here: boto3 loads only in processes that fetch from an S3 origin.
        from imagekit_server.origins.s3_fetch import S3Fetcher

        return S3Fetcher(origin, settings.fetch_allowlist, limits)
    if origin.type in (WEB_FOLDER, WEB_PROXY):
        from imagekit_server.origins.web_fetch import WebFetcher

        base = origin.config.get("baseUrl") if origin.type == WEB_FOLDER else None
        forward = origin.config.get("forwardHostHeaderToOrigin") and request_host
        return WebFetcher(base, settings.fetch_allowlist, limits, forward or None)
    raise OriginFailure("UNIDENTIFIED", f"origin type {origin.type} cannot be fetched from")
