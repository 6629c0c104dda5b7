"""Video over video (``l-video``) on a live server: the layer's own trim and size, its
position and its time window on the output, measured in the decoded frames."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import LEFT, close, make_video, measure

GREEN = (0, 255, 0)


def green_video(seconds: float = 2.0, width: int = 64, height: int = 48) -> bytes:
    """A plain green video whose top rows count frames (brightness 10 per frame), no audio."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(round(seconds * 24)):
            pixels = np.empty((height, width, 3), np.uint8)
            pixels[:] = GREEN
            pixels[: height // 4] = (index * 10) % 256
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return buffer.getvalue()


@pytest.fixture(scope="module")
def base(live_server: LiveServer) -> dict[str, object]:
    uploaded(live_server, green_video(), "green.mp4", useUniqueFileName="false")
    return uploaded(live_server, make_video(seconds=3), "base.mp4", useUniqueFileName="false")


def get(server: LiveServer, path: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}/{path}", timeout=TIMEOUT)


def frames(data: bytes) -> list[tuple[float, np.ndarray]]:
    with av.open(io.BytesIO(data)) as container:
        return [
            (float(frame.time or 0.0), frame.to_ndarray(format="rgb24"))
            for frame in container.decode(video=0)
        ]


def rgb(pixels: np.ndarray) -> tuple[int, int, int]:
    """The mean colour of a pixel or a region."""
    red, green, blue = (int(v) for v in pixels.reshape(-1, 3).mean(axis=0))
    return red, green, blue


def at(decoded: list[tuple[float, np.ndarray]], moment: float) -> np.ndarray:
    return min(decoded, key=lambda item: abs(item[0] - moment))[1]


def test_video_layer_region_and_time_window(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    response = get(
        live_server, "tr:l-video,i-green.mp4,w-40,lx-10,ly-20,lso-1,ldu-1,l-end/base.mp4"
    )
    assert response.status_code == 200, response.headers.get("ik-error")
    rendered = measure(response.content)
    assert (rendered.width, rendered.height) == (160, 120)
    assert abs(rendered.duration - 3) < 0.2  # the base decides the length
    decoded = frames(response.content)
    inside = (slice(32, 44), slice(14, 46))  # below the counter rows of the 40x30 layer
    outside = (slice(60, 110), slice(60, 70))
    for moment, shown in ((0.5, False), (1.2, True), (1.8, True), (2.5, False)):
        frame = at(decoded, moment)
        assert close(rgb(frame[inside]), GREEN if shown else LEFT), (moment, rgb(frame[inside]))
        assert close(rgb(frame[outside]), LEFT), (moment, rgb(frame[outside]))
    # Exactly 40x30 at (10, 20): the pixels just outside the box stay the base's.
    frame = at(decoded, 1.5)
    assert close(rgb(frame[35, 8]), LEFT)
    assert close(rgb(frame[35, 52]), LEFT)
    assert close(rgb(frame[52, 30]), LEFT)


def test_video_layer_own_trim_and_far_edge(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    """``so-1`` inside the layer: its first frame shown is the one at 1 s (frame 24, counter
    240); ``lx-N0,ly-N0`` puts it in the bottom right corner; it ends with its trimmed
    length (1 s) although no leo/ldu is given."""
    response = get(live_server, "tr:l-video,i-green.mp4,so-1,lx-N0,ly-N0,l-end/base.mp4")
    assert response.status_code == 200, response.headers.get("ik-error")
    decoded = frames(response.content)
    first = at(decoded, 0.0)
    counter = first[120 - 48 : 120 - 48 + 10, 160 - 64 + 5 : 160 - 5].mean()
    assert abs(counter - 240) < 30, counter
    assert close(rgb(first[110, 150]), GREEN)
    assert not close(rgb(at(decoded, 1.5)[110, 150]), GREEN)


def test_video_layer_expressions_and_focus(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    """``lso-bdu_sub_idu``: starts so that it ends with the base (3 s - 2 s); ``lfo-top_left``."""
    chain = "l-video,i-green.mp4,lfo-top_left,lso-bdu_sub_idu,l-end"
    response = get(live_server, f"tr:{chain}/base.mp4")
    assert response.status_code == 200, response.headers.get("ik-error")
    decoded = frames(response.content)
    assert close(rgb(at(decoded, 0.5)[40, 30]), LEFT)
    assert close(rgb(at(decoded, 1.5)[40, 30]), GREEN)


def test_video_layer_rounded_corners_are_transparent(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    """``r-max`` inside the layer: a 40x40 green circle at (20, 40); its corners show the
    base (not bg), its middle the layer."""
    chain = "l-video,i-green.mp4,w-40,h-40,r-max,lx-20,ly-40,l-end"
    response = get(live_server, f"tr:{chain}/base.mp4")
    assert response.status_code == 200, response.headers.get("ik-error")
    frame = at(frames(response.content), 0.5)
    assert close(rgb(frame[62:66, 38:42]), GREEN)  # the middle
    for y, x in ((41, 21), (41, 58), (78, 21), (78, 58)):  # the four corners
        assert close(rgb(frame[y, x]), LEFT), (y, x, rgb(frame[y, x]))


def test_video_layer_errors(live_server: LiveServer, base: dict[str, object]) -> None:
    cases = {
        "l-video,i-missing.mp4,l-end": 404,
        "l-video,i-green.mp4,sr-240,l-end": 400,
        "l-video,i-green.mp4,lfo-middle,l-end": 400,
        "l-video,l-end": 400,
        "l-video,i-green.mp4,l-image,i-ik_canvas,l-end,l-end": 400,
        ",".join(["l-video,i-green.mp4,l-end"] * 5): 400,  # at most 4 file layers
    }
    for chain, status in cases.items():
        response = get(live_server, f"tr:{chain}/base.mp4")
        assert response.status_code == status, (chain, response.headers.get("ik-error"))
        assert response.headers["ik-error"]


def test_video_layer_in_every_streaming_representation(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    """A video layer in an adaptive streaming chain: each representation's file shows it."""
    chain = "sr-60_120,l-video,i-green.mp4,lfo-top_left,ldu-1,l-end"
    master = get(live_server, f"base.mp4/ik-master.m3u8?tr={chain}")
    assert master.status_code == 200, master.headers.get("ik-error")
    for height in (60, 120):
        response = get(live_server, f"base.mp4/ik-abs-{height}.mp4?tr={chain}")
        assert response.status_code == 200, response.headers.get("ik-error")
        decoded = frames(response.content)
        early, late = at(decoded, 0.5), at(decoded, 2.0)
        assert early.shape[0] == height
        spot = (int(height * 0.3), int(height * 0.2))  # inside the layer, below its counter
        assert close(rgb(early[spot]), GREEN), (height, rgb(early[spot]))
        assert close(rgb(late[spot]), LEFT), (height, rgb(late[spot]))
