"""A running server tells its operator what it does: the start-up line, one access-log line
per request (with its id, also on the response), Prometheus metrics (one process and
``--workers``), and error bodies that point at this server's operator."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import decode, solid_image
from tests.server.uploads import uploaded

FLUSHED = 1.3  # seconds: the access log is written 4 times a second, metrics every second


def _json_lines(server: LiveServer) -> list[dict[str, Any]]:
    return [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]


def _samples(server: LiveServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = requests.get(f"{server.base_url}/metrics", timeout=10)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _until_every_worker_answered(server: LiveServer, workers: int) -> None:
    """The server answers as soon as its first worker listens; the others may still be starting
    (one CI run saw 120 connections all go to the first). Health checks on fresh connections
    until each worker has written its own metrics files."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with requests.Session() as session:
            assert session.get(f"{server.base_url}/healthz", timeout=10).status_code == 200
        pids = {path.stem.rsplit("_", 1)[-1] for path in (server.data_dir / "metrics").glob("*.db")}
        if len(pids) == workers:
            return
        time.sleep(0.05)
    raise TimeoutError(f"not every one of {workers} workers answered within 30 s")


def test_json_logs_carry_request_ids_and_one_access_line_per_request(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={"IMAGEKIT_LOG_FORMAT": "json"})
    body = uploaded(server, solid_image(60, 40, (0, 128, 255), ".jpg"), "logged.jpg")
    url = f"{server.url_endpoint}/tr:w-30{body['filePath']}"
    rendered = requests.get(url, headers={"X-Request-Id": "trace-42"}, timeout=10)
    cached = requests.get(url, headers={"X-Request-Id": "bad id with spaces"}, timeout=10)
    signed = requests.get(f"{url}?ik-t=9999999999&ik-s=0123456789abcdef", timeout=10)
    assert rendered.headers["x-request-id"] == "trace-42"
    assert decode(cached.content).width == 30
    generated = cached.headers["x-request-id"]
    assert generated != "bad id with spaces" and " " not in generated
    assert signed.status_code == 401 and signed.headers["x-request-id"]
    time.sleep(FLUSHED)
    lines = _json_lines(server)
    startup = next(line for line in lines if line.get("event") == "startup")
    assert "libvips 8." in startup["message"] and "(pyvips-binary)" in startup["message"]
    assert f"127.0.0.1:{server.port}" in startup["message"]
    assert server.private_key not in server.log()
    access = {line["request_id"]: line for line in lines if line["logger"].endswith("access")}
    first, second = access["trace-42"], access[generated]
    assert (first["cache"], second["cache"]) == ("render", "memory")
    assert first["method"] == "GET" and first["path"] == f"/demo/tr:w-30{body['filePath']}"
    assert first["status"] == 200 and first["bytes"] == len(rendered.content)
    assert first["account"] == "demo" and first["duration_ms"] > 0
    refused = access[signed.headers["x-request-id"]]
    assert refused["status"] == 401 and "ik-s=***" in refused["path"]
    assert "0123456789abcdef" not in server.log()
    upload_line = next(line for line in access.values() if line["path"].endswith("/upload"))
    assert upload_line["account"] == "demo" and upload_line["status"] == 200


def test_metrics_count_requests_renders_cache_layers_and_uploads(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()
    body = uploaded(server, solid_image(50, 50, (255, 0, 0)), "counted.png")
    url = f"{server.url_endpoint}/tr:w-20{body['filePath']}"
    for _ in range(3):
        assert requests.get(url, timeout=10).status_code == 200
    assert requests.get(f"{server.url_endpoint}/missing.png", timeout=10).status_code == 404
    time.sleep(FLUSHED)
    samples = _samples(server)
    delivered = (("route", "delivery"), ("status", "200"))
    assert samples[("imagekit_http_requests_total", delivered)] == 3
    missing = (("route", "delivery"), ("status", "404"))
    assert samples[("imagekit_http_requests_total", missing)] == 1
    assert samples[("imagekit_http_request_duration_seconds_count", (("route", "delivery"),))] == 4
    assert samples[("imagekit_renders_total", (("result", "ok"),))] == 1
    assert samples[("imagekit_render_duration_seconds_count", ())] == 1
    memory_hits = (("layer", "memory"), ("result", "hit"))
    assert samples[("imagekit_delivery_cache_lookups_total", memory_hits)] == 2
    assert samples[("imagekit_uploads_total", (("result", "success"),))] == 1
    assert samples[("imagekit_http_response_bytes_total", (("route", "delivery"),))] > 0
    assert ("imagekit_webhook_deliveries_total", ()) not in samples  # none yet, no labels


def test_metrics_add_up_across_workers(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={"IMAGEKIT_WORKERS": "2"})
    _until_every_worker_answered(server, 2)
    requests_made = 40
    for _ in range(requests_made):  # new connections: the kernel spreads them over workers
        with requests.Session() as session:
            assert session.get(f"{server.base_url}/healthz", timeout=10).status_code == 200
    time.sleep(FLUSHED)
    files = list((server.data_dir / "metrics").glob("*.db"))
    assert len({path.name.rsplit("_", 1)[-1] for path in files}) == 2  # one set per worker
    for _ in range(4):  # whichever worker answers the scrape sums both
        samples = _samples(server)
        ops = samples[("imagekit_http_requests_total", (("route", "ops"), ("status", "200")))]
        assert ops >= requests_made


def test_delivery_counts_from_every_worker_add_up_after_load(
    live_server_factory: StartServer,
) -> None:
    """Concurrent clients on fresh connections (the kernel spreads them over both workers):
    the scrape sums every worker's counts, exactly, requests and bytes alike."""
    server = live_server_factory(env={"IMAGEKIT_WORKERS": "2"})
    _until_every_worker_answered(server, 2)
    body = uploaded(server, solid_image(40, 40, (10, 200, 30)), "load.png")
    url = f"{server.url_endpoint}/tr:w-20{body['filePath']}"
    sizes: list[int] = []

    def fetch(_: int) -> None:
        with requests.Session() as session:
            response = session.get(url, timeout=30)
            assert response.status_code == 200 and response.headers["x-request-id"]
            sizes.append(len(response.content))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(fetch, range(120)))
    time.sleep(FLUSHED)
    files = list((server.data_dir / "metrics").glob("counter_*.db"))
    assert len(files) == 2  # both workers counted requests
    samples = _samples(server)
    delivered = (("route", "delivery"), ("status", "200"))
    assert samples[("imagekit_http_requests_total", delivered)] == 120
    latency = (("route", "delivery"),)
    assert samples[("imagekit_http_request_duration_seconds_count", latency)] == 120
    assert samples[("imagekit_http_response_bytes_total", latency)] == sum(sizes)
    lookups = sum(
        value
        for (name, labels), value in samples.items()
        if name == "imagekit_delivery_cache_lookups_total" and ("layer", "memory") in labels
    )
    assert lookups == 120  # every request asked the memory cache first, in either worker


def test_access_lines_are_written_when_the_server_stops(live_server_factory: StartServer) -> None:
    """Lines wait a quarter second in memory: SIGTERM writes them before the server exits."""
    server = live_server_factory()
    ids = [
        requests.get(f"{server.base_url}/healthz", timeout=10).headers["x-request-id"]
        for _ in range(5)
    ]
    server.stop()
    log = server.log()
    assert all(f" access [{request_id}] " in log for request_id in ids)


def test_access_log_and_metrics_can_be_switched_off_request_ids_stay(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={"IMAGEKIT_ACCESS_LOG": "off", "IMAGEKIT_METRICS": "off"})
    response = requests.get(f"{server.base_url}/healthz", timeout=10)
    assert response.headers["x-request-id"]
    body = uploaded(server, solid_image(20, 20, (0, 0, 0)), "ids.png")
    delivered = requests.get(f"{server.url_endpoint}/tr:w-10{body['filePath']}", timeout=10)
    assert delivered.status_code == 200
    kept = requests.get(
        f"{server.url_endpoint}{body['filePath']}", headers={"X-Request-Id": "trace-7"}, timeout=10
    )
    assert delivered.headers["x-request-id"] and kept.headers["x-request-id"] == "trace-7"
    assert requests.get(f"{server.base_url}/metrics", timeout=10).status_code == 404
    time.sleep(FLUSHED)
    assert " access [" not in server.log()


def test_error_bodies_name_this_servers_help_and_the_transformation_problem(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={"IMAGEKIT_ERROR_HELP": "Write to media-ops@example.com."})
    refused = requests.get(f"{server.base_url}/v1/files", timeout=10)
    assert refused.status_code == 401
    assert refused.json()["help"] == "Write to media-ops@example.com."
    assert "imagekit.io" not in refused.text
    body = uploaded(server, solid_image(20, 20, (0, 0, 0)), "reason.png")
    bad = requests.get(f"{server.url_endpoint}/tr:w-abc{body['filePath']}", timeout=10)
    assert bad.status_code == 400
    reason = bad.headers["ik-error"].split(" - ", 1)[1]
    assert bad.text == f"Bad Request: {reason}"
