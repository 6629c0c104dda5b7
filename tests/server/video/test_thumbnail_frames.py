"""Thumbnails show exactly the frame at ``so-``: the frame seek (``video/frames.py``) against
a full sequential decode, on a video with libx264's long keyframe interval and B-frames, and
through the URL endpoint."""

from __future__ import annotations

import io
import time
from pathlib import Path

import av
import numpy as np
import pytest
import requests

from imagekit_server.video.frames import frame_at
from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import frame_number, make_counter_video

FPS = 30
COUNTER = make_counter_video(seconds=12, fps=FPS)  # keyframes at frames 0 and 250


@pytest.fixture(scope="module")
def counter_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("frames") / "counter.mp4"
    path.write_bytes(COUNTER)
    return path


def _shown(path: Path) -> list[tuple[float, int]]:
    """(time, number) of every frame in display order, by decoding everything."""
    with av.open(str(path)) as inp:
        return sorted(
            (float(frame.time), frame_number(frame.to_ndarray(format="rgb24")))
            for frame in inp.decode(inp.streams.video[0])
        )


def test_the_counter_video_has_b_frames_and_a_long_gop(counter_file: Path) -> None:
    with av.open(str(counter_file)) as inp:
        packets = [p for p in inp.demux(inp.streams.video[0]) if p.pts is not None]
    assert sum(p.is_keyframe for p in packets) == 2
    assert any(p.pts != p.dts for p in packets)  # reordered: B-frames
    numbers = [number for _, number in _shown(counter_file)]
    assert numbers == list(range(12 * FPS))  # the pattern reads back exactly


@pytest.mark.parametrize(
    "at", [0.0, 0.02, 1.0, 4.5, 8.3, 8.34, 8.4, 9.9, 10.0 + 1 / 60, 11.95, 11.99, 30.0]
)
def test_frame_at_is_the_frame_shown_at_that_time(counter_file: Path, at: float) -> None:
    shown = _shown(counter_file)
    expected = [number for moment, number in shown if moment <= at + 1e-9][-1]
    with av.open(str(counter_file)) as inp:
        frame = frame_at(inp, at, time.monotonic() + 60)
        assert frame_number(frame.to_ndarray(format="rgb24")) == expected


def test_every_frame_of_a_gop_is_found(counter_file: Path) -> None:
    """Each frame of the second keyframe interval, by its own time: references, B-pyramid
    references and non-reference B-frames alike."""
    for number in range(250, 12 * FPS, 7):
        with av.open(str(counter_file)) as inp:
            frame = frame_at(inp, number / FPS, time.monotonic() + 60)
            assert frame_number(frame.to_ndarray(format="rgb24")) == number


def test_thumbnail_url_shows_the_requested_frame(live_server: LiveServer) -> None:
    uploaded(live_server, COUNTER, "counter.mp4", useUniqueFileName="false")
    for at, number in (("0", 0), ("9.5", 285), ("10.1", 303), ("5", 150)):
        response = requests.get(
            f"{live_server.url_endpoint}/counter.mp4/ik-thumbnail.jpg?tr=so-{at}", timeout=TIMEOUT
        )
        assert response.status_code == 200, response.text
        from PIL import Image

        picture = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGB"))
        assert frame_number(picture) == number, at


@pytest.mark.parametrize(
    ("container", "codec", "options"),
    [
        ("avi", "libx264", {"x264-params": "scenecut=0"}),  # no presentation timestamps
        ("matroska", "libx264", {"x264-params": "scenecut=0"}),
        ("webm", "libvpx-vp9", {}),
        ("avi", "mpeg4", {"bf": "2", "g": "300"}),
    ],
)
def test_frame_at_in_other_containers(
    tmp_path: Path, container: str, codec: str, options: dict[str, str]
) -> None:
    path = tmp_path / f"counter.{container}"
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = 320, 96, "yuv420p"
        stream.options = options
        for index in range(150):
            picture = np.full((96, 320, 3), 128, np.uint8)
            for bit in range(10):
                picture[:, bit * 32 : (bit + 1) * 32] = 255 if index >> bit & 1 else 0
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    path.write_bytes(buffer.getvalue())
    shown = _shown(path)
    for at in (0.0, 0.5, 2.03, 3.1, 4.99, 9.0):
        before = [number for moment, number in shown if moment <= at + 1e-9]
        expected = before[-1] if before else shown[0][1]
        with av.open(str(path)) as inp:
            frame = frame_at(inp, at, time.monotonic() + 60)
            assert frame_number(frame.to_ndarray(format="rgb24")) == expected, at
