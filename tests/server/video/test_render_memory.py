"""The render processes' memory cap (``IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES``): a render past it
is an error response, never a dead server, and the pool renders the next request."""

from __future__ import annotations

import os
import time
from pathlib import Path

import requests

from imagekit_server.settings import Settings
from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_video, measure

# A render process holds about 120 MiB of private memory after its imports, and a 160x120
# render adds about 40 MiB; a 3840x2880 one needs over 700 MiB (frames, x264's lookahead).
CAP = 360 << 20
WAIT = {"IMAGEKIT_VIDEO_WAIT": "300"}  # the answer, not ImageKit's "still processing" one


def render_processes(server: LiveServer) -> set[int]:
    """The server's render processes (multiprocessing's spawned children), from /proc."""
    assert server.process is not None
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found: set[int] = set()
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor and ancestor != server.process.pid:
            ancestor = parents.get(ancestor)
        if ancestor == server.process.pid:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command:
                found.add(pid)
    return found


def test_a_render_over_the_cap_fails_and_the_pool_goes_on(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={**WAIT, "IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES": str(CAP)})
    uploaded(server, make_video(seconds=1), "clip.mp4", useUniqueFileName="false")

    def get(path: str) -> requests.Response:
        return requests.get(f"{server.url_endpoint}/{path}", timeout=TIMEOUT)

    small = get("tr:w-80/clip.mp4")
    assert small.status_code == 200
    first = render_processes(server)
    assert first
    refused = get("tr:w-99999/clip.mp4")  # a refusal, not a failure: the pool stays
    assert refused.status_code == 400
    assert get("tr:w-72/clip.mp4").status_code == 200
    assert render_processes(server) == first
    huge = get("tr:w-3840/clip.mp4")
    assert huge.status_code in (400, 500), huge.status_code
    assert huge.headers["ik-error"]
    assert huge.headers["cache-control"] == "no-store"
    after = get("tr:w-96/clip.mp4")  # new processes render on; the old ones exit
    assert after.status_code == 200
    assert measure(after.content).width == 96
    deadline = time.monotonic() + 20
    while render_processes(server) & first and time.monotonic() < deadline:
        time.sleep(0.2)
    assert render_processes(server) and not render_processes(server) & first
    assert all(not os.path.exists(f"/proc/{pid}") for pid in first)


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
