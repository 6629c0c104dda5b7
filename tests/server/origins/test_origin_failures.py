"""Origins that are down, slow, refused by the fetch guard, or changed: prompt, clear errors,
revalidation with conditional requests, and no stalled neighbours."""

from __future__ import annotations

import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import pixel, solid_image, two_colour_png
from tests.server.origins.conftest import (
    ORIGIN_ENV,
    ORIGIN_TIMEOUT,
    TIMEOUT,
    api,
    create_endpoint,
    create_origin,
    s3_origin_body,
    write_file,
)
from tests.server.origins.peers import WebFolder, closed_port, silent_server, web_folder
from tests.server.uploads import uploaded


def _web_endpoint(server: LiveServer, base_url: str) -> str:
    origin = create_origin(server, {"type": "WEB_FOLDER", "name": "w", "baseUrl": base_url})
    prefix: str = create_endpoint(server, [origin["id"]])["urlPrefix"]
    return prefix


def _origin_of(server: LiveServer, prefix: str) -> str:
    endpoints = api(server, "GET", "/v1/accounts/url-endpoints").json()
    origin_id: str = next(e for e in endpoints if e["urlPrefix"] == prefix)["origins"][0]
    return origin_id


def _close(values: list[float], expected: list[int], tolerance: int = 8) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(values[:3], expected, strict=True))


def _timed_get(url: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=TIMEOUT)
    return response, time.monotonic() - started


def test_origin_refusing_connections_is_a_prompt_404(origin_server: LiveServer) -> None:
    prefix = _web_endpoint(origin_server, f"http://127.0.0.1:{closed_port()}")
    response, elapsed = _timed_get(f"{origin_server.url_endpoint}/{prefix}/tr:w-10/a.png")
    assert response.status_code == 404
    assert response.headers["ik-error"].startswith("ECONNREFUSED - ")
    assert response.headers["cache-control"] == "no-store"
    assert elapsed < ORIGIN_TIMEOUT + 1


def test_slow_origin_times_out_without_stalling_other_requests(
    origin_server: LiveServer,
) -> None:
    library_file = uploaded(origin_server, two_colour_png(20, 10), "neighbour.png")
    with silent_server() as base_url:
        prefix = _web_endpoint(origin_server, base_url)
        slow_urls = [
            f"{origin_server.url_endpoint}/{prefix}/slow-{i}.png" for i in range(24)
        ]  # more than the server's fetch threads
        with ThreadPoolExecutor(max_workers=len(slow_urls)) as pool:
            started = time.monotonic()
            slow = [pool.submit(_timed_get, url) for url in slow_urls]
            time.sleep(0.2)  # the slow fetches are in flight now
            neighbour, _ = _timed_get(
                f"{origin_server.url_endpoint}/tr:w-10{library_file['filePath']}"
            )
            neighbour_done = time.monotonic() - started
            results = [future.result() for future in slow]
    assert neighbour.status_code == 200
    # answered while every slow request was still waiting for its origin
    assert neighbour_done < min(elapsed for _, elapsed in results)
    for response, elapsed in results:
        assert response.status_code == 404
        assert response.headers["ik-error"].startswith("ETIMEDOUT - ")
        assert elapsed < 3 * ORIGIN_TIMEOUT + 2  # queued behind at most two fetch rounds


def test_guard_refuses_loopback_unless_allow_listed(
    live_server_factory: StartServer, folder: WebFolder
) -> None:
    env = {k: v for k, v in ORIGIN_ENV.items() if k != "IMAGEKIT_FETCH_ALLOWLIST"}
    assert "IMAGEKIT_FETCH_ALLOWLIST" not in os.environ
    server = live_server_factory(env=env)
    relative = f"guard/{secrets.token_hex(4)}.png"
    write_file(folder.root, relative, solid_image(8, 8, (0, 255, 0)))
    prefix = _web_endpoint(server, folder.base_url)
    response = requests.get(f"{server.url_endpoint}/{prefix}/{relative}", timeout=TIMEOUT)
    assert response.status_code == 404
    assert response.headers["ik-error"].startswith("EACCES - ")
    assert "not allowed" in response.headers["ik-error"]
    assert folder.log.for_path(f"/{relative}") == []


def test_stale_copies_are_revalidated_with_conditional_requests(
    live_server_factory: StartServer, folder: WebFolder
) -> None:
    server = live_server_factory(env={**ORIGIN_ENV, "IMAGEKIT_ORIGIN_REVALIDATE": "0"})
    relative = f"revalidate/{secrets.token_hex(4)}.png"
    path = folder.root / relative
    write_file(folder.root, relative, solid_image(8, 8, (255, 0, 0)))
    prefix = _web_endpoint(server, folder.base_url)
    url = f"{server.url_endpoint}/{prefix}/tr:w-4/{relative}"
    first = requests.get(url, timeout=TIMEOUT)
    second = requests.get(url, timeout=TIMEOUT)
    assert first.content == second.content
    asked = folder.log.for_path(f"/{relative}")
    assert len(asked) == 2
    assert "if-modified-since" not in asked[0]
    assert "if-modified-since" in asked[1]  # answered 304: no new download

    write_file(folder.root, relative, solid_image(8, 8, (0, 0, 255)))
    later = path.stat().st_mtime + 10
    os.utime(path, (later, later))
    changed = requests.get(url, timeout=TIMEOUT)
    assert _close(pixel(changed.content, 1, 1), [0, 0, 255])

    path.unlink()
    gone = requests.get(url, timeout=TIMEOUT)
    assert gone.status_code == 404
    assert gone.headers["ik-error"].startswith("ENOENT")


def test_stale_copies_are_served_while_the_origin_is_down(
    live_server_factory: StartServer, tmp_path: Path
) -> None:
    server = live_server_factory(env={**ORIGIN_ENV, "IMAGEKIT_ORIGIN_REVALIDATE": "0"})
    write_file(tmp_path, "a.png", solid_image(8, 8, (0, 255, 0)))
    with web_folder(tmp_path) as own_folder:
        prefix = _web_endpoint(server, own_folder.base_url)
        url = f"{server.url_endpoint}/{prefix}/a.png"
        assert requests.get(url, timeout=TIMEOUT).status_code == 200
    for _ in range(2):  # the folder server is gone: connections are refused
        stale, elapsed = _timed_get(url)
        assert stale.status_code == 200
        assert _close(pixel(stale.content, 1, 1), [0, 255, 0])
        assert elapsed < ORIGIN_TIMEOUT

    origin_id = _origin_of(server, prefix)
    down = {"type": "WEB_FOLDER", "name": "w", "baseUrl": f"http://127.0.0.1:{closed_port()}"}
    assert api(server, "PUT", f"/v1/accounts/origins/{origin_id}", json=down).status_code == 200
    replaced = requests.get(url, timeout=TIMEOUT)  # a replaced origin's copies are dropped
    assert replaced.status_code == 404
    assert replaced.headers["ik-error"].startswith("ECONNREFUSED")


def test_a_slow_origin_is_not_asked_again_at_once(
    live_server_factory: StartServer, tmp_path: Path
) -> None:
    server = live_server_factory(env={**ORIGIN_ENV, "IMAGEKIT_ORIGIN_REVALIDATE": "0"})
    write_file(tmp_path, "a.png", solid_image(8, 8, (0, 255, 0)))
    write_file(tmp_path, "b.png", solid_image(8, 8, (0, 255, 0)))
    with web_folder(tmp_path) as own_folder:
        prefix = _web_endpoint(server, own_folder.base_url)
        cached_url = f"{server.url_endpoint}/{prefix}/a.png"
        uncached_url = f"{server.url_endpoint}/{prefix}/b.png"
        assert requests.get(cached_url, timeout=TIMEOUT).status_code == 200
        own_folder.log.stall.set()
        first_stale, first_time = _timed_get(cached_url)
        first_error, _ = _timed_get(uncached_url)
        again_stale, again_time = _timed_get(cached_url)
        again_error, again_error_time = _timed_get(uncached_url)
        asked = len(own_folder.log.for_path("/a.png")) + len(own_folder.log.for_path("/b.png"))
        own_folder.log.stall.clear()
    assert first_stale.status_code == again_stale.status_code == 200
    assert ORIGIN_TIMEOUT <= first_time < ORIGIN_TIMEOUT + 2
    assert again_time < ORIGIN_TIMEOUT / 2
    for error in (first_error, again_error):
        assert error.status_code == 404
        assert error.headers["ik-error"].startswith("ETIMEDOUT")
    assert again_error_time < ORIGIN_TIMEOUT / 2
    assert asked == 3  # a.png twice (first fetch, one revalidation), b.png once


def test_origin_files_over_the_size_limit_are_refused(
    live_server_factory: StartServer, folder: WebFolder
) -> None:
    server = live_server_factory(env={**ORIGIN_ENV, "IMAGEKIT_MAX_UPLOAD_BYTES": "2000"})
    relative = f"large/{secrets.token_hex(4)}.bin"
    write_file(folder.root, relative, os.urandom(5000))
    prefix = _web_endpoint(server, folder.base_url)
    response = requests.get(f"{server.url_endpoint}/{prefix}/{relative}", timeout=TIMEOUT)
    assert response.status_code == 400
    assert response.headers["ik-error"].startswith("ELIMIT - ")


def test_cached_originals_stay_within_the_budget(
    live_server_factory: StartServer, folder: WebFolder
) -> None:
    images = [solid_image(200, 200, (i * 40, 0, 0)) for i in range(3)]
    budget = len(images[1]) + len(images[2]) + len(images[0]) // 2
    server = live_server_factory(env={**ORIGIN_ENV, "IMAGEKIT_ORIGIN_CACHE_BYTES": str(budget)})
    names = [f"budget/{secrets.token_hex(4)}-{i}.png" for i in range(3)]
    for name, image in zip(names, images, strict=True):
        write_file(folder.root, name, image)
    prefix = _web_endpoint(server, folder.base_url)
    for name in names:
        assert requests.get(f"{server.url_endpoint}/{prefix}/{name}", timeout=TIMEOUT).ok
    today = time.strftime("%Y-%m-%d", time.gmtime())
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
    usage = api(server, "GET", f"/v1/accounts/usage?startDate={today}&endDate={tomorrow}")
    assert usage.json()["originalCacheStorageBytes"] == len(images[1]) + len(images[2])
    for name in names:  # the oldest was evicted: asking again fetches it again
        assert requests.get(f"{server.url_endpoint}/{prefix}/{name}", timeout=TIMEOUT).ok
    assert len(folder.log.for_path(f"/{names[0]}")) == 2


def test_s3_origin_failures_are_named(origin_server: LiveServer, s3_server: str) -> None:
    def s3_prefix(bucket: str, endpoint: str) -> str:
        origin = create_origin(origin_server, s3_origin_body(bucket, endpoint))
        prefix: str = create_endpoint(origin_server, [origin["id"]])["urlPrefix"]
        return prefix

    missing_bucket = s3_prefix(f"no-such-{secrets.token_hex(4)}", s3_server)
    refused = s3_prefix("b", f"http://127.0.0.1:{closed_port()}")
    with silent_server() as silent_url:
        silent = s3_prefix("b", silent_url)
        slow, slow_time = _timed_get(f"{origin_server.url_endpoint}/{silent}/a.png")
    denied = requests.get(f"{origin_server.url_endpoint}/{missing_bucket}/a.png", timeout=TIMEOUT)
    down, down_time = _timed_get(f"{origin_server.url_endpoint}/{refused}/a.png")
    assert denied.status_code == 404
    assert denied.headers["ik-error"].startswith("EACCES - ")
    assert down.status_code == 404
    assert down.headers["ik-error"].startswith("ECONNREFUSED - ")
    # bounds include building each origin's S3 client (slow on a loaded machine)
    assert down_time < ORIGIN_TIMEOUT + 2
    assert slow.status_code == 404
    assert slow.headers["ik-error"].startswith("ETIMEDOUT - ")
    assert slow_time < ORIGIN_TIMEOUT + 3  # one read timeout, no retries
