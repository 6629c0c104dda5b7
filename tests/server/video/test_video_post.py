"""Upload post-transformations on videos: renditions, thumbnails, adaptive streaming sets and
GIF to video are produced eagerly; the matching URLs are then served from the derived cache."""

from __future__ import annotations

import json
import time
from pathlib import Path

import requests

from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_gif, make_video, measure


def derived(server: LiveServer, file_id: str) -> dict[str, float]:
    """The file's video renditions in the store: name -> modification time."""
    root = server.data_dir / "blobs" / "derived"
    return {path.name: path.stat().st_mtime for path in root.glob(f"*/{file_id}/v*")}


def wait_for(server: LiveServer, file_id: str, suffixes: list[str]) -> dict[str, float]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = derived(server, file_id)
        if sorted(Path(name).suffix for name in found) == sorted(suffixes):
            return found
        time.sleep(0.1)
    raise AssertionError(f"expected {suffixes}, found {sorted(derived(server, file_id))}")


def test_video_post_transformations(live_server: LiveServer) -> None:
    post = [
        {"type": "transformation", "value": "w-80,ac-none"},
        {"type": "thumbnail", "value": "so-1,w-40"},
        {"type": "abs", "value": "sr-60", "protocol": "dash"},
    ]
    body = uploaded(
        live_server,
        make_video(seconds=2),
        "eager.mp4",
        useUniqueFileName="false",
        transformation=json.dumps({"post": post}),
    )
    stored = wait_for(live_server, body["fileId"], [".mp4", ".jpg", ".json", ".mp4"])
    base = f"{live_server.url_endpoint}/eager.mp4"
    rendition = requests.get(
        f"{live_server.url_endpoint}/tr:w-80,ac-none/eager.mp4", timeout=TIMEOUT
    )
    assert measure(rendition.content).width == 80
    thumbnail = requests.get(f"{base}/ik-thumbnail.jpg?tr=so-1,w-40", timeout=TIMEOUT)
    assert thumbnail.headers["content-type"] == "image/jpeg"
    manifest = requests.get(f"{base}/ik-master.mpd?tr=sr-60", timeout=TIMEOUT)
    assert manifest.status_code == 200 and 'height="60"' in manifest.text
    assert derived(live_server, body["fileId"]) == stored  # all three were cache hits


def test_gif_to_video_post(live_server: LiveServer) -> None:
    body = uploaded(
        live_server,
        make_gif(),
        "eager.gif",
        useUniqueFileName="false",
        transformation=json.dumps({"post": [{"type": "gif-to-video"}]}),
    )
    stored = wait_for(live_server, body["fileId"], [".mp4"])
    video = requests.get(f"{live_server.url_endpoint}/tr:f-mp4/eager.gif", timeout=TIMEOUT)
    assert measure(video.content).video_codec == "h264"
    assert derived(live_server, body["fileId"]) == stored
