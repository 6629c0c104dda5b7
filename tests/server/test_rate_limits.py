"""Per-client rate limits (429 with Retry-After) for uploads, management calls and uncached
renders, and the bounded render queue (503 with Retry-After instead of a growing backlog)."""

from __future__ import annotations

import fcntl
import multiprocessing
import multiprocessing.queues
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from imagekit_server.abuse.rate_limits import MAX_BUCKETS, RateLimit
from imagekit_server.abuse.shared_buckets import SharedBuckets
from tests.fixtures.live_server import StartServer
from tests.server.media import solid_image
from tests.server.uploads import upload, uploaded


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_one_request_per_interval() -> None:
    clock = Clock()
    limit = RateLimit(120, clock=clock)  # 2 per second, bursts of 30
    assert limit.burst == 30
    assert all(limit.allow("a") == 0 for _ in range(30))
    assert limit.allow("a") == pytest.approx(0.5)
    assert limit.allow("b") == 0  # another client has its own bucket
    clock.now += 0.5
    assert limit.allow("a") == 0
    assert limit.allow("a") > 0
    with pytest.raises(ValueError):
        RateLimit(0)


def test_idle_clients_are_forgotten_when_the_table_is_full() -> None:
    clock = Clock()
    limit = RateLimit(60, clock=clock)
    for client in range(MAX_BUCKETS):
        limit.allow(f"c{client}")
    clock.now += 3600  # every bucket has refilled
    assert limit.allow("newcomer") == 0
    assert len(limit._buckets) == 1


def test_management_calls_are_limited_by_address_and_by_key(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(
        env={"IMAGEKIT_RATE_LIMIT_API": "8", "IMAGEKIT_TRUST_FORWARDED_FOR": "on"}
    )  # bursts of 2

    def files(address: str) -> requests.Response:
        return requests.get(
            f"{server.base_url}/v1/files",
            auth=server.auth,
            headers={"X-Forwarded-For": f"198.51.100.1, {address}"},
            timeout=10,
        )

    assert [files("203.0.113.1").status_code for _ in range(2)] == [200, 200]
    refused = files("203.0.113.2")  # a new address, the same key
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Too many requests")
    assert "help" in refused.json()
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["x-ratelimit-limit"] == "2"
    assert int(refused.headers["x-ratelimit-reset"]) > 0
    assert refused.headers["x-ratelimit-interval"] == "15000"
    unauthenticated = [
        requests.get(
            f"{server.base_url}/v1/files",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=10,
        ).status_code
        for n in range(10, 13)
    ]
    assert unauthenticated == [401, 401, 401]  # separate addresses, no key: not limited
    assert requests.get(f"{server.base_url}/healthz", timeout=10).status_code == 200


def test_uploads_and_uncached_renders_are_limited_but_cache_hits_are_not(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(
        env={"IMAGEKIT_RATE_LIMIT_UPLOADS": "4", "IMAGEKIT_RATE_LIMIT_RENDERS": "4"}
    )
    body = uploaded(server, solid_image(30, 30, (0, 0, 255)), "limited.png")
    second = upload(server, solid_image(30, 30, (0, 0, 255)), "again.png")
    assert second.status_code == 429 and second.headers["retry-after"]
    rendered = f"{server.url_endpoint}/tr:w-10{body['filePath']}"
    assert requests.get(rendered, timeout=10).status_code == 200
    other = requests.get(f"{server.url_endpoint}/tr:w-11{body['filePath']}", timeout=10)
    assert other.status_code == 429
    assert other.headers["ik-error"].startswith("ETOOMANYREQUESTS")
    assert int(other.headers["retry-after"]) >= 1
    for _ in range(5):
        assert requests.get(rendered, timeout=10).status_code == 200  # a memory-cache hit


def test_renders_beyond_the_queue_bound_are_shed_with_503(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(
        env={
            "IMAGEKIT_RENDER_QUEUE": "1",
            "IMAGEKIT_RENDER_WORKERS": "1",
            "IMAGEKIT_DERIVED_CACHE": "off",
        }
    )
    body = uploaded(server, solid_image(2500, 2500, (200, 100, 0), ".jpg"), "heavy.jpg")
    urls = [f"{server.url_endpoint}/tr:w-{900 + n},bl-20{body['filePath']}" for n in range(6)]
    with ThreadPoolExecutor(len(urls)) as pool:
        responses = list(pool.map(lambda url: requests.get(url, timeout=60), urls))
    statuses = sorted(response.status_code for response in responses)
    assert 200 in statuses and 503 in statuses, statuses
    assert set(statuses) <= {200, 503}
    shed = next(response for response in responses if response.status_code == 503)
    assert shed.headers["retry-after"] == "2"
    assert shed.headers["ik-error"].startswith("EOVERLOADED")


def _take_in_child(buckets: SharedBuckets, queue: multiprocessing.queues.Queue[float]) -> None:
    queue.put(buckets.take("client", 3, 1.0, 1000.0))


def test_shared_buckets_are_one_bucket_across_forked_processes() -> None:
    buckets = SharedBuckets(slots=64)
    assert [buckets.take("client", 3, 1.0, 1000.0) for _ in range(2)] == [0.0, 0.0]
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    child = fork.Process(target=_take_in_child, args=(buckets, queue))
    child.start()
    child.join(30)
    assert queue.get(timeout=5) == 0.0  # the child took the third token of the same bucket
    assert buckets.take("client", 3, 1.0, 1000.0) == pytest.approx(1.0)  # none left here
    assert buckets.take("client", 3, 1.0, 1001.0) == 0.0  # refilled one per second
    assert buckets.take("another", 3, 1.0, 1001.0) == 0.0


def test_a_full_probe_takes_over_the_longest_idle_slot() -> None:
    buckets = SharedBuckets(slots=1)  # every client probes the same single slot
    assert buckets.take("a", 1, 1.0, 1000.0) == 0.0
    assert buckets.take("b", 1, 1.0, 1001.0) == 0.0  # "a" is forgotten, never "b" refused
    assert buckets.take("b", 1, 1.0, 1001.0) > 0


def test_the_limit_holds_for_the_whole_server_with_several_workers(
    live_server_factory: StartServer,
) -> None:
    """``serve --workers 2``: the kernel spreads new connections over both workers, yet a
    client gets one burst from the server, not one per worker."""
    server = live_server_factory(env={"IMAGEKIT_WORKERS": "2", "IMAGEKIT_RATE_LIMIT_API": "24"})

    def files(_: int) -> int:  # a new connection each time
        return requests.get(f"{server.base_url}/v1/files", auth=server.auth, timeout=10).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(files, range(30)))
    assert set(statuses) == {200, 429}
    # A burst of 6 (24 per minute / 4), plus at most a token or two refilled meanwhile;
    # per-worker buckets would allow about 12.
    assert 6 <= statuses.count(200) <= 8, statuses
    workers = {
        requests.get(f"{server.base_url}/healthz", timeout=10).headers["x-request-id"].split("-")[0]
        for _ in range(20)
    }
    assert len(workers) == 2  # both workers answered requests


def _die_holding_the_lock(buckets: SharedBuckets) -> None:
    fcntl.lockf(buckets._lock_descriptor, fcntl.LOCK_EX)
    os._exit(0)  # killed at the worst moment: the kernel drops its lock


def test_a_worker_dying_inside_the_lock_does_not_stop_the_others() -> None:
    buckets = SharedBuckets(slots=64)
    child = multiprocessing.get_context("fork").Process(
        target=_die_holding_the_lock, args=(buckets,)
    )
    child.start()
    child.join(30)
    assert buckets.take("client", 3, 1.0, 1000.0) == 0.0
