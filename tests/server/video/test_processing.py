"""While a rendition is still processing the server answers as ImageKit does: 302 to the
original for videos, 202 for thumbnails and manifests; the same URL serves it once ready."""

from __future__ import annotations

import time

import requests

from tests.fixtures.live_server import StartServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_video, measure


def eventually_ok(url: str) -> requests.Response:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
        if response.status_code == 200:
            return response
        time.sleep(0.1)
    raise AssertionError(f"{url} never became ready")


def test_intermediate_responses(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={"IMAGEKIT_VIDEO_WAIT": "0"})
    uploaded(server, make_video(seconds=2), "slow.mp4", useUniqueFileName="false")
    video_url = f"{server.url_endpoint}/tr:w-96/slow.mp4"
    first = requests.get(video_url, timeout=TIMEOUT, allow_redirects=False)
    assert first.status_code == 302
    assert first.headers["location"] == f"{server.url_endpoint}/slow.mp4"
    assert first.headers["cache-control"] == "no-store"
    assert measure(eventually_ok(video_url).content).width == 96

    thumbnail_url = f"{server.url_endpoint}/slow.mp4/ik-thumbnail.jpg?tr=so-1"
    pending = requests.get(thumbnail_url, timeout=TIMEOUT)
    assert pending.status_code == 202 and pending.headers["retry-after"]
    assert eventually_ok(thumbnail_url).headers["content-type"] == "image/jpeg"

    manifest_url = f"{server.url_endpoint}/slow.mp4/ik-master.m3u8?tr=sr-60"
    assert requests.get(manifest_url, timeout=TIMEOUT).status_code == 202
    assert "#EXT-X-STREAM-INF" in eventually_ok(manifest_url).text
