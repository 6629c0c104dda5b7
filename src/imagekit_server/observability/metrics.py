"""Prometheus metrics (prometheus-client), correct with ``serve --workers N``.

Requests are counted on the delivery hot path, where even prometheus-client's locked
increments (several per request) would cost percent of the throughput; so a request adds to
plain in-process tallies, and ``flush`` moves them into prometheus-client's metrics (once a
second from the server's flush task, and before every scrape). With ``--workers`` the
supervisor points PROMETHEUS_MULTIPROC_DIR at ``<data dir>/metrics`` (emptied at start-up)
and the process that answers ``/metrics`` sums every worker's files: another worker's counts
show there within a second.

Infrequent events (webhook deliveries, database and storage errors) go straight to
prometheus-client, from any thread: ``webhook_delivered("success")`` is the hook for webhooks.
"""

from __future__ import annotations

import os
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ROUTES = ("delivery", "upload", "api", "ops", "other")
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
RENDER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


_LOOKUPS = {
    "memory": (("memory", "hit"),),
    "derived": (("memory", "miss"), ("derived", "hit")),
    "render": (("memory", "miss"), ("derived", "miss")),
}


class _Tally:
    """One route's requests since the last flush (touched only on the event loop)."""

    __slots__ = ("buckets", "bytes", "seconds", "statuses")

    def __init__(self, bucket_count: int) -> None:
        self.statuses: dict[int, int] = {}
        self.buckets = [0] * bucket_count
        self.seconds = 0.0
        self.bytes = 0


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "imagekit_http_requests", "HTTP requests answered.", ["route", "status"], registry=r
        )
        self.latency = Histogram(
            "imagekit_http_request_duration_seconds",
            "Time to answer a request, by route class.",
            ["route"],
            buckets=REQUEST_BUCKETS,
            registry=r,
        )
        self.bytes_out = Counter(
            "imagekit_http_response_bytes", "Response body bytes sent.", ["route"], registry=r
        )
        self.renders = Counter(
            "imagekit_renders", "Variants rendered (cache misses).", ["result"], registry=r
        )
        self.render_time = Histogram(
            "imagekit_render_duration_seconds",
            "Time to render a variant, queueing included.",
            buckets=RENDER_BUCKETS,
            registry=r,
        )
        self.cache = Counter(
            "imagekit_delivery_cache_lookups",
            "Variant lookups by cache layer (memory, then derived blobs) and result.",
            ["layer", "result"],
            registry=r,
        )
        self.uploads = Counter("imagekit_uploads", "Upload requests.", ["result"], registry=r)
        self.webhooks = Counter(
            "imagekit_webhook_deliveries", "Webhook deliveries.", ["result"], registry=r
        )
        self.backend_errors = Counter(
            "imagekit_backend_errors",
            "Failed database and blob store operations seen by requests.",
            ["backend"],
            registry=r,
        )
        self._tallies = {route: _Tally(len(REQUEST_BUCKETS) + 1) for route in ROUTES}
        self._cache: dict[str, int] = {}
        self._renders: dict[str, int] = {}
        self._render_buckets = [0] * (len(RENDER_BUCKETS) + 1)
        self._render_seconds = 0.0
        self._flush_lock = threading.Lock()

    # --- the hot path: plain dict and list arithmetic ---
    def request(self, route: str, status: int, seconds: float, sent: int, cache: str) -> None:
        """One answered request; ``cache`` is the layer that answered a variant ("memory",
        "derived"), "render" for a miss of both, or "" when no variant was asked for."""
        tally = self._tallies[route]
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        tally.buckets[bisect_left(REQUEST_BUCKETS, seconds)] += 1
        tally.seconds += seconds
        tally.bytes += sent
        if cache:
            self._cache[cache] = self._cache.get(cache, 0) + 1

    def rendered(self, seconds: float, ok: bool) -> None:
        result = "ok" if ok else "error"
        self._renders[result] = self._renders.get(result, 0) + 1
        self._render_buckets[bisect_left(RENDER_BUCKETS, seconds)] += 1
        self._render_seconds += seconds

    # --- rare events, any thread ---
    def webhook_delivered(self, result: str) -> None:
        """One webhook delivery attempt: ``result`` such as "success", "failure", "retry"."""
        self.webhooks.labels(result).inc()

    def backend_error(self, backend: str) -> None:
        """A request failed on the database (``"database"``) or blob store (``"storage"``)."""
        self.backend_errors.labels(backend).inc()

    # --- moving tallies into prometheus-client ---
    def flush(self) -> None:
        with self._flush_lock:
            for route, tally in self._tallies.items():
                if not tally.statuses:
                    continue
                statuses, tally.statuses = tally.statuses, {}
                for status, count in statuses.items():
                    self.requests.labels(route, str(status)).inc(count)
                _add_to_histogram(self.latency.labels(route), tally.buckets, tally.seconds)
                tally.buckets = [0] * len(tally.buckets)
                tally.seconds = 0.0
                if tally.bytes:
                    self.bytes_out.labels(route).inc(tally.bytes)
                    tally.bytes = 0
            cache, self._cache = self._cache, {}
            for answered_by, count in cache.items():
                # memory is asked first, then the derived blobs, then a render happens
                for layer, result in _LOOKUPS[answered_by]:
                    self.cache.labels(layer, result).inc(count)
            renders, self._renders = self._renders, {}
            for result, count in renders.items():
                self.renders.labels(result).inc(count)
            if renders:
                _add_to_histogram(self.render_time, self._render_buckets, self._render_seconds)
                self._render_buckets = [0] * len(self._render_buckets)
                self._render_seconds = 0.0

    def exposition(self, extra: Iterable[Collector] = ()) -> bytes:
        """The text format for a scrape: this process's metrics (or every worker's), then
        ``extra`` collectors read now (gauges such as jobs by state)."""
        self.flush()
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = self.registry
        read_now = CollectorRegistry()  # no auto-describe: collected once, for this scrape
        for collector in extra:
            read_now.register(collector)
        return generate_latest(registry) + generate_latest(read_now)


def _add_to_histogram(histogram: Histogram, buckets: list[int], seconds: float) -> None:
    """Adds whole bucket counts at once. prometheus-client has no public call for that, so
    this uses the per-bucket values its ``observe`` increments (stable since 0.4; the test
    of the exposition would catch a change)."""
    for index, count in enumerate(buckets):
        if count:
            histogram._buckets[index].inc(count)
    histogram._sum.inc(seconds)


class GaugeCollector(Collector):
    """A gauge read when scraped, e.g. jobs by state from the database (the same for every
    process, so it is not summed across workers)."""

    def __init__(
        self, name: str, documentation: str, label: str, read: Callable[[], dict[str, int]]
    ) -> None:
        self._family = (name, documentation, label)
        self._read = read

    def collect(self) -> Iterable[Metric]:
        name, documentation, label = self._family
        family = GaugeMetricFamily(name, documentation, labels=[label])
        for value, count in sorted(self._read().items()):
            family.add_metric([value], count)
        yield family


def prepare_multiprocess_dir(data_dir: Path) -> Path:
    """``<data dir>/metrics``, emptied: the supervisor calls it before starting workers (the
    files of a previous run would otherwise add their counts to this one's)."""
    directory = (data_dir / "metrics").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return directory
