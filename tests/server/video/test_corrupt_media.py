"""Videos damaged inside their media data: the upload is stored or refused with a 400, a
rendition answers 200 or an ``ik-error`` (never a dead server), and the server stays healthy."""

from __future__ import annotations

import random

import requests

from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, api_get, upload
from tests.server.video.media import make_video

SOURCE = make_video(seconds=1)


def damaged(seed: int) -> bytes:
    """Random bytes overwritten in the middle half of the file (the media data)."""
    rng = random.Random(seed)
    data = bytearray(SOURCE)
    for _ in range(40):
        start = rng.randrange(len(data) // 4, 3 * len(data) // 4)
        data[start : start + 16] = rng.randbytes(16)
    return bytes(data)


def test_damaged_videos(live_server: LiveServer) -> None:
    stored = 0
    for seed in range(6):
        name = f"damaged-{seed}.mp4"
        response = upload(live_server, damaged(seed), name, useUniqueFileName="false")
        assert response.status_code in (200, 400), response.text
        if response.status_code == 400:
            assert "video" in response.json()["message"]
            continue
        stored += 1
        for path in (f"tr:w-64/{name}", f"{name}/ik-thumbnail.jpg?tr=so-0.5"):
            rendered = requests.get(f"{live_server.url_endpoint}/{path}", timeout=TIMEOUT)
            assert rendered.status_code == 200 or "ik-error" in rendered.headers, path
    assert api_get(live_server, "/healthz").status_code == 200
    assert stored  # some damage leaves a decodable video: those went through the renderer
