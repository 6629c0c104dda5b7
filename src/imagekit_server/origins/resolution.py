"""Find a file through a URL endpoint's origins: the cached copy while it is fresh, else ask
the origins in order (the first that has the file wins), revalidating a stale copy.

Fetches run in worker threads of their own (``ORIGIN_FETCH_THREADS``), so slow origins can
neither block the event loop nor starve the threads database lookups use; concurrent
requests for the same file in one process share one fetch. When every origin fails (down,
slow) a stale copy is served rather than an error, and for ``RETRY_FAILED_AFTER`` seconds
the file's origins are not asked again: the stale copy (or the same error) is answered at
once instead of making every request wait for a slow origin.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from anyio import CapacityLimiter, to_thread

from imagekit_server.context import ServerContext
from imagekit_server.origins import cache
from imagekit_server.origins.cache import CachedOriginal, FetchedFile
from imagekit_server.origins.endpoint_models import UrlEndpoint
from imagekit_server.origins.fetchers import fetcher_for
from imagekit_server.origins.fetching import NOT_MODIFIED, OriginFailure, OriginMissing
from imagekit_server.origins.models import Origin
from imagekit_server.renditions.hot_cache import TtlMemo, invalidate_on_writes
from imagekit_server.runtime.single_flight import SingleFlight

ORIGIN_FETCH_THREADS = 16
RETRY_FAILED_AFTER = 5.0
_MAX_REMEMBERED_FAILURES = 10_000


@dataclass
class _Fetches:
    limiter: CapacityLimiter
    inflight: SingleFlight[str, CachedOriginal | None]
    # key -> cached copy: a hit needs no thread hop; writes through this process's engine
    # clear it, other processes' purges are seen within the lookup TTL.
    copies: TtlMemo[str, CachedOriginal]
    failures: dict[str, tuple[float, OriginFailure]]  # key -> (retry after, failure)

    def remember_failure(self, key: str, failure: OriginFailure) -> None:
        now = time.monotonic()
        if len(self.failures) >= _MAX_REMEMBERED_FAILURES:
            self.failures = {k: v for k, v in self.failures.items() if v[0] > now}
        self.failures[key] = (now + RETRY_FAILED_AFTER, failure)

    def recent_failure(self, key: str) -> OriginFailure | None:
        found = self.failures.get(key)
        if found is None:
            return None
        if time.monotonic() >= found[0]:
            self.failures.pop(key, None)
            return None
        return found[1]


@dataclass(frozen=True)
class _Resolution:
    copy: CachedOriginal | None
    failure: OriginFailure | None  # set when origins failed (``copy`` is then stale or None)


def _fetches(context: ServerContext) -> _Fetches:
    def make() -> _Fetches:
        copies = TtlMemo[str, CachedOriginal](context.settings.delivery_lookup_ttl_seconds)
        invalidate_on_writes(context.engine, ("origin_cache",), copies.clear)
        fetches = _Fetches(CapacityLimiter(ORIGIN_FETCH_THREADS), SingleFlight(), copies, {})
        # A changed origin or endpoint deserves a new attempt at once.
        invalidate_on_writes(
            context.engine, ("origins", "url_endpoints"), lambda: fetches.failures.clear()
        )
        return fetches

    return context.component(_Fetches, make)


async def find_original(
    context: ServerContext,
    endpoint: UrlEndpoint,
    origins: list[Origin],
    path: str,
    request_host: str | None = None,
) -> CachedOriginal | None:
    """The cached copy of ``path`` (fetched or revalidated when needed); None when no origin
    has it. Raises ``OriginFailure`` when origins failed and nothing is cached."""
    key = cache.cache_key(endpoint.account_id, endpoint.id, path)
    fetches = _fetches(context)
    found, cached = fetches.copies.get(key)
    if not found:
        generation = fetches.copies.generation
        cached = await to_thread.run_sync(cache.lookup, context, key)
        if cached is not None:
            fetches.copies.put(key, cached, generation)
    now = datetime.now(timezone.utc)
    if cached is not None and cached.is_fresh(context.settings.origin_revalidate_seconds, now):
        return cached
    failure = fetches.recent_failure(key)
    if failure is not None:
        if cached is not None:
            return cached
        raise failure

    async def fetch() -> CachedOriginal | None:
        resolution = await to_thread.run_sync(
            partial(_resolve, context, endpoint, origins, path, key, cached, request_host),
            limiter=fetches.limiter,
        )
        if resolution.failure is not None:
            fetches.remember_failure(key, resolution.failure)
            if resolution.copy is None:
                raise resolution.failure
        return resolution.copy

    return await fetches.inflight.run(key, fetch)


def _resolve(
    context: ServerContext,
    endpoint: UrlEndpoint,
    origins: list[Origin],
    path: str,
    key: str,
    cached: CachedOriginal | None,
    request_host: str | None,
) -> _Resolution:
    """Ask the origins in order (blocking)."""
    first_failure: OriginFailure | None = None
    for origin in origins:
        validators = cached.validators if cached and cached.origin_id == origin.id else None
        destination = context.spool.new_path()
        try:
            fetcher = fetcher_for(origin, context.settings, request_host)
            result = fetcher.fetch(path, destination, validators)
            if result == NOT_MODIFIED:
                assert cached is not None
                cache.mark_validated(context, key)
                return _Resolution(cached, None)
            item = FetchedFile(
                endpoint.account_id, endpoint.id, origin.id, path, destination, result
            )
            return _Resolution(cache.store_fetched(context, key, item), None)
        except OriginMissing:
            continue
        except OriginFailure as failure:
            first_failure = first_failure or failure
        finally:
            _remove(destination)
    if first_failure is not None:
        return _Resolution(cached, first_failure)  # a stale copy beats an error
    if cached is not None:
        cache.forget(context, endpoint.account_id, key)  # gone from every origin
    return _Resolution(None, None)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
