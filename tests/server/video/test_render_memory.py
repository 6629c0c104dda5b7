"""The render processes' memory cap (``IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES``): a render past it
is an error response, never a dead server, and the pool renders the next request."""

from __future__ import annotations

import requests

from imagekit_server.settings import Settings
from tests.fixtures.live_server import StartServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_video, measure

# A render process holds about 120 MiB of private memory after its imports, and a 160x120
# render adds about 40 MiB; a 3840x2880 one needs over 700 MiB (frames, x264's lookahead).
CAP = 360 << 20
WAIT = {"IMAGEKIT_VIDEO_WAIT": "300"}  # the answer, not ImageKit's "still processing" one


def test_a_render_over_the_cap_fails_and_the_pool_goes_on(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={**WAIT, "IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES": str(CAP)})
    uploaded(server, make_video(seconds=1), "clip.mp4", useUniqueFileName="false")

    def get(path: str) -> requests.Response:
        return requests.get(f"{server.url_endpoint}/{path}", timeout=TIMEOUT)

    small = get("tr:w-80/clip.mp4")
    assert small.status_code == 200
    huge = get("tr:w-3840/clip.mp4")
    assert huge.status_code in (400, 500), huge.status_code
    assert huge.headers["ik-error"]
    assert huge.headers["cache-control"] == "no-store"
    after = get("tr:w-96/clip.mp4")  # the pool renders on
    assert after.status_code == 200
    assert measure(after.content).width == 96


def test_without_a_cap_the_same_render_succeeds(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={**WAIT, "IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES": "0"})
    uploaded(server, make_video(seconds=1), "clip.mp4", useUniqueFileName="false")
    huge = requests.get(f"{server.url_endpoint}/tr:w-3840/clip.mp4", timeout=TIMEOUT)
    assert huge.status_code == 200
    assert measure(huge.content).width == 3840


def test_memory_setting() -> None:
    assert Settings.from_env({}).video_render_memory_bytes == 4 << 30
    settings = Settings.from_env({"IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES": str(CAP)})
    assert settings.video_render_memory_bytes == CAP
