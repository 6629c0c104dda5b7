"""Prometheus metrics (prometheus-client), correct with ``serve --workers N``.

Requests are counted on the delivery hot path, where even prometheus-client's locked
increments (several per request, each a write to a memory-mapped file in multi-process mode)
would cost percent of the throughput; so a request only leaves its fields
(observability/answered.py) and ``count`` adds a whole batch to prometheus-client: a few
increments per route and status, from the server's flush task four times a second and before
every scrape. With ``--workers`` the supervisor points PROMETHEUS_MULTIPROC_DIR at
``<data dir>/metrics`` (emptied at start-up) and the process that answers ``/metrics`` sums
every worker's files: another worker's counts show there within a quarter second.

Renders and infrequent events (webhook deliveries, database and storage errors) go straight
to prometheus-client, from any thread: ``webhook_delivered("success")`` is the hook for
webhooks.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Mapping
from itertools import compress
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from imagekit_server.observability.answered import Answered

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ROUTES = ("delivery", "upload", "api", "ops", "other")
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
RENDER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


_LOOKUPS = {
    "memory": (("memory", "hit"),),
    "derived": (("memory", "miss"), ("derived", "hit")),
    "render": (("memory", "miss"), ("derived", "miss")),
}


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

    # --- a batch of answered requests, from the event loop ---
    def count(self, answered: Answered) -> None:
        """Adds a batch of answered requests: counts by route and status, latency, bytes,
        cache lookups by layer, uploads. A batch of one route (delivery, under load) is
        counted with a few C passes over its columns."""
        routes = answered.routes
        if routes.count(routes[0]) != len(routes):
            self._count_mixed(answered)
            return
        route, statuses = routes[0], answered.statuses
        if statuses.count(statuses[0]) == len(statuses):
            by_status = {statuses[0]: len(statuses)}
        else:
            by_status = Tally(statuses)
        for status, count in by_status.items():
            self._count_status(route, status, count)
        self._observe(route, answered.taken, sum(answered.sent))
        caches = answered.caches  # under load, mostly one layer: one identity pass then
        if caches.count(caches[0]) == len(caches):
            self._count_lookups({caches[0]: len(caches)})
        else:
            self._count_lookups(Tally(caches))

    def _count_mixed(self, answered: Answered) -> None:
        routes = answered.routes
        for (route, status), count in Tally(zip(routes, answered.statuses, strict=True)).items():
            self._count_status(route, status, count)
        for route in set(routes):
            mine = [seen == route for seen in routes]
            taken = list(compress(answered.taken, mine))
            size = sum(compress(answered.sent, mine))
            self._observe(route, taken, size)
        self._count_lookups(Tally(answered.caches))

    def _count_lookups(self, by_cache: Mapping[str, int]) -> None:
        """Cache lookups by layer and result, from the counts of which layer answered."""
        for answered_by, count in by_cache.items():
            # memory is asked first, then the derived blobs, then a render happens
            for layer, result in _LOOKUPS.get(answered_by, ()):
                self.cache.labels(layer, result).inc(count)

    def _count_status(self, route: str, status: int, count: int) -> None:
        self.requests.labels(route, str(status)).inc(count)
        if route == "upload":
            self.uploads.labels("success" if status < 400 else "error").inc(count)

    def _observe(self, route: str, taken: list[float], size: int) -> None:
        """Adds a route's latencies (``taken``, in s) to its histogram as whole bucket counts.
        prometheus-client has no public call for that, so this adds to the per-bucket values
        its ``observe`` increments (stable since 0.4; the test of the exposition would catch
        a change)."""
        histogram = self.latency.labels(route)
        histogram._sum.inc(sum(taken))
        if size:
            self.bytes_out.labels(route).inc(size)
        if max(taken) <= REQUEST_BUCKETS[0]:  # cache hits, mostly: no need to sort
            histogram._buckets[0].inc(len(taken))
            return
        ordered = sorted(taken)
        below = 0
        for index, bound in enumerate(REQUEST_BUCKETS):
            up_to = bisect_right(ordered, bound, below)  # Prometheus buckets are "<= bound"
            if up_to > below:
                histogram._buckets[index].inc(up_to - below)
                below = up_to
        if len(ordered) > below:
            histogram._buckets[len(REQUEST_BUCKETS)].inc(len(ordered) - below)

    def rendered(self, seconds: float, ok: bool) -> None:
        self.renders.labels("ok" if ok else "error").inc()
        self.render_time.observe(seconds)

    # --- rare events, any thread ---
    def webhook_delivered(self, result: str) -> None:
        """One webhook delivery attempt: ``result`` such as "success", "failure", "retry"."""
        self.webhooks.labels(result).inc()

    def backend_error(self, backend: str) -> None:
        """A request failed on the database (``"database"``) or blob store (``"storage"``)."""
        self.backend_errors.labels(backend).inc()

    def exposition(self, extra: Iterable[Collector] = ()) -> bytes:
        """The text format for a scrape: this process's metrics (or every worker's), then
        ``extra`` collectors read now (gauges such as jobs by state). The caller counts
        its process's pending requests first (``Observer.flush``, on the event loop)."""
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = self.registry
        read_now = CollectorRegistry()  # no auto-describe: collected once, for this scrape
        for collector in extra:
            read_now.register(collector)
        return generate_latest(registry) + generate_latest(read_now)


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
