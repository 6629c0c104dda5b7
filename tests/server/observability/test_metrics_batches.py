"""The metrics of a batch of answered requests equal what prometheus-client's own per-request
calls would have counted: batches of one route and of several, latencies all in the first
bucket and spread over many, one cache layer and several."""

from __future__ import annotations

import random

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram

from imagekit_server.observability.answered import Pending
from imagekit_server.observability.metrics import _LOOKUPS, REQUEST_BUCKETS, Metrics

Entry = tuple[str, int, int, str, float]  # route, status, bytes, cache layer, seconds taken


def _counted(entries: list[Entry]) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    metrics = Metrics()
    pending = Pending()
    for route, status, sent, cache, seconds in entries:
        request = ("GET", b"/demo/a.jpg", b"", "127.0.0.1", status, sent, cache, "demo")
        pending.add((100.0 + seconds, 100.0, b"id", *request, route))
    answered = pending.drain()
    assert answered is not None
    metrics.count(answered)
    return _samples(metrics.registry)


def _expected(entries: list[Entry]) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The same requests through prometheus-client one at a time, as a plain server would."""
    registry = CollectorRegistry()
    requests = Counter("imagekit_http_requests", "", ["route", "status"], registry=registry)
    latency = Histogram(
        "imagekit_http_request_duration_seconds",
        "",
        ["route"],
        buckets=REQUEST_BUCKETS,
        registry=registry,
    )
    sent_bytes = Counter("imagekit_http_response_bytes", "", ["route"], registry=registry)
    lookups = Counter("imagekit_delivery_cache_lookups", "", ["layer", "result"], registry=registry)
    uploads = Counter("imagekit_uploads", "", ["result"], registry=registry)
    for route, status, sent, cache, seconds in entries:
        requests.labels(route, str(status)).inc()
        latency.labels(route).observe((100.0 + seconds) - 100.0)  # as a batch subtracts
        if sent:
            sent_bytes.labels(route).inc(sent)
        for layer, result in _LOOKUPS.get(cache, ()):
            lookups.labels(layer, result).inc()
        if route == "upload":
            uploads.labels("success" if status < 400 else "error").inc()
    return _samples(registry)


def _samples(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    names = (
        "imagekit_http_requests_total",
        "imagekit_http_request_duration_seconds_bucket",
        "imagekit_http_request_duration_seconds_count",
        "imagekit_http_request_duration_seconds_sum",
        "imagekit_http_response_bytes_total",
        "imagekit_delivery_cache_lookups_total",
        "imagekit_uploads_total",
    )
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): round(sample.value, 9)
        for family in registry.collect()
        for sample in family.samples
        if sample.name in names and sample.value
    }


def test_a_batch_of_cache_hits_all_in_the_first_bucket() -> None:
    entries = [("delivery", 200, 13_917, "memory", 0.00007 + n * 1e-6) for n in range(300)]
    assert _counted(entries) == _expected(entries)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batches_with_spread_latencies_routes_statuses_and_layers(seed: int) -> None:
    chance = random.Random(seed)
    routes = ["delivery"] * 6 + ["api", "upload", "ops"]
    layers = ["memory", "memory", "derived", "render", "-"]
    entries = [
        (
            chance.choice(routes),
            chance.choice([200, 200, 304, 404, 500]),
            chance.randrange(0, 50_000),
            chance.choice(layers),
            chance.choice([0.0, 0.0005, 0.0025, 6.0]) or chance.uniform(0, 3),
        )
        for _ in range(400)
    ]
    delivery_only = [entry for entry in entries if entry[0] == "delivery"]
    assert _counted(entries) == _expected(entries)
    assert _counted(delivery_only) == _expected(delivery_only)


def test_a_batch_of_hits_with_a_few_slower_requests() -> None:
    """Under load most of a batch is in the first bucket and a few are not (a GC pause, a
    render): one slow request sends the batch down the sorting path."""
    entries = [("delivery", 200, 5_193, "memory", 0.00002 + n * 1e-7) for n in range(500)]
    entries[17] = ("delivery", 200, 5_193, "memory", 0.0005)  # on the first bound: in it
    entries[230] = ("delivery", 200, 5_193, "memory", 0.0031)
    entries[231] = ("delivery", 200, 5_193, "render", 0.08)
    entries[499] = ("delivery", 200, 5_193, "memory", 7.5)  # past the last bound
    assert _counted(entries) == _expected(entries)
