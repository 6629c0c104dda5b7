"""Video renditions and thumbnails on both backends: SQLite + local disk, and PostgreSQL + S3
(the source is downloaded for the render process, the rendition streamed back by range)."""

from __future__ import annotations

import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import decode
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_video, measure


def test_rendition_thumbnail_and_ranges(live_backend_server: LiveServer) -> None:
    server = live_backend_server
    uploaded(server, make_video(seconds=1), "backend.mp4", useUniqueFileName="false")
    url = f"{server.url_endpoint}/tr:w-64,h-64/backend.mp4"
    whole = requests.get(url, timeout=TIMEOUT)
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    assert (measure(whole.content).width, measure(whole.content).height) == (64, 64)
    tail = requests.get(url, headers={"Range": "bytes=-100"}, timeout=TIMEOUT)
    assert tail.status_code == 206 and tail.content == whole.content[-100:]
    again = requests.get(url, headers={"If-None-Match": whole.headers["etag"]}, timeout=TIMEOUT)
    assert again.status_code == 304
    thumbnail = requests.get(f"{server.url_endpoint}/backend.mp4/ik-thumbnail.jpg", timeout=TIMEOUT)
    assert decode(thumbnail.content).width == 160
