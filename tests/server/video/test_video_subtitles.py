"""Subtitle layers (``l-subtitles``) on a live server: SRT and WebVTT cues burnt in only during
their cues, at the bottom, styled; trims move them; hostile files are a 400."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_video

SRT = b"""1
00:00:00,500 --> 00:00:01,200
Hello <i>there</i>

2
00:00:02,000 --> 00:00:02,600
Second &amp; last
on two lines
"""
VTT = b"""WEBVTT

NOTE a comment block

intro
00:01.000 --> 00:01.800 align:start
<v Bob>Welcome</v>
"""


@pytest.fixture(scope="module")
def base(live_server: LiveServer) -> dict[str, object]:
    uploaded(live_server, SRT, "talk.srt", useUniqueFileName="false")
    uploaded(live_server, VTT, "talk.vtt", useUniqueFileName="false")
    return uploaded(live_server, make_video(seconds=3), "talk.mp4", useUniqueFileName="false")


def get(server: LiveServer, path: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}/{path}", timeout=TIMEOUT)


def decoded(server: LiveServer, chain: str) -> list[tuple[float, np.ndarray]]:
    response = get(server, f"tr:{chain}/talk.mp4")
    assert response.status_code == 200, response.headers.get("ik-error")
    with av.open(io.BytesIO(response.content)) as container:
        return [
            (float(frame.time or 0.0), frame.to_ndarray(format="rgb24").astype(np.int32))
            for frame in container.decode(video=0)
        ]


def changed(plain: np.ndarray, burnt: np.ndarray) -> float:
    """Mean absolute difference."""
    return float(np.abs(plain - burnt).mean())


def shown_at(
    plain: list[tuple[float, np.ndarray]], burnt: list[tuple[float, np.ndarray]]
) -> list[tuple[float, bool]]:
    """For each frame: whether the bottom half differs from the plain render; the top half
    must never differ."""
    result = []
    for (moment, before), (_, after) in zip(plain, burnt, strict=True):
        assert changed(before[:50], after[:50]) < 0.5, moment
        result.append((moment, changed(before[60:], after[60:]) > 2))
    return result


def within(moment: float, *windows: tuple[float, float]) -> bool | None:
    """True inside a window, False well outside, None within a frame of an edge."""
    for low, high in windows:
        if low + 0.07 < moment < high - 0.07:
            return True
        if abs(moment - low) <= 0.07 or abs(moment - high) <= 0.07:
            return None
    return False


def test_srt_cues_change_pixels_only_during_their_cues(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    plain = decoded(live_server, "w-160")
    burnt = decoded(live_server, "l-subtitles,i-talk.srt,l-end")
    for moment, shown in shown_at(plain, burnt):
        expected = within(moment, (0.5, 1.2), (2.0, 2.6))
        if expected is not None:
            assert shown == expected, moment


def test_webvtt_and_trim_moves_cues(live_server: LiveServer, base: dict[str, object]) -> None:
    plain = decoded(live_server, "so-0.5,w-160")
    burnt = decoded(live_server, "so-0.5,l-subtitles,i-talk.vtt,l-end")
    for moment, shown in shown_at(plain, burnt):
        expected = within(moment, (0.5, 1.3))  # 1.0-1.8 of the source
        if expected is not None:
            assert shown == expected, moment


def test_trim_and_layer_timing_keep_the_cues_they_show(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    """Only the cues of the rendered span are drawn: here the second (2.0-2.6 s of the
    source), shown from the layer's lso-0.2 to its end at 0.7 s of the output."""
    plain = decoded(live_server, "so-1.9,du-0.9,w-160")
    burnt = decoded(live_server, "so-1.9,du-0.9,l-subtitles,i-talk.srt,lso-0.2,l-end")
    assert plain[-1][0] < 0.9
    for moment, shown in shown_at(plain, burnt):
        expected = within(moment, (0.2, 0.7))
        if expected is not None:
            assert shown == expected, moment


def test_styling(live_server: LiveServer, base: dict[str, object]) -> None:
    """Green text, a yellow box, a larger font: the cue's band holds those colours (the base
    is only red and blue there), and the larger font covers more of it."""
    frames = dict(decoded(live_server, "l-subtitles,i-talk.srt,co-00FF00,bg-FFFF00,fs-20,l-end"))
    frame = min(frames.items(), key=lambda item: abs(item[0] - 0.8))[1][60:]
    red, green, blue = frame[..., 0], frame[..., 1], frame[..., 2]
    yellow = (red > 180) & (green > 180) & (blue < 90)
    text = (green > 150) & (red < 120) & (blue < 120)
    assert yellow.sum() > 200 and text.sum() > 20, (yellow.sum(), text.sum())
    small = dict(decoded(live_server, "l-subtitles,i-talk.srt,bg-FFFF00,l-end"))
    frame = min(small.items(), key=lambda item: abs(item[0] - 0.8))[1][60:]
    small_box = ((frame[..., 0] > 180) & (frame[..., 1] > 180) & (frame[..., 2] < 90)).sum()
    assert yellow.sum() > 1.5 * small_box


def test_hostile_and_invalid_subtitle_files(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    many = b"".join(
        f"{i}\n00:00:01,{i % 1000:03d} --> 00:00:02,000\nline {i}\n\n".encode() for i in range(2001)
    )
    files = {
        "huge.srt": b"1\n00:00:00,000 --> 00:00:01,000\n" + b"x" * (1024 * 1024 + 1),
        "many.srt": many,
        "broken.srt": b"1\n00:00:00,000 --> soon\nHi\n",
        "empty.vtt": b"WEBVTT\n\n",
        "binary.srt": b"\x00\x01\x02-->\x00",
    }
    for name, data in files.items():
        uploaded(live_server, data, name, useUniqueFileName="false")
    for name in files:
        response = get(live_server, f"tr:l-subtitles,i-{name},l-end/talk.mp4")
        assert response.status_code == 400, (name, response.status_code)
        assert response.headers["ik-error"].startswith("EINVALIDTRANSFORMATION")
    for chain, status in {
        "l-subtitles,i-talk.txt,l-end": 400,
        "l-subtitles,i-nothere.srt,l-end": 404,
        "l-subtitles,i-talk.srt,lx-10,l-end": 400,
        "l-subtitles,i-talk.srt,tg-strikethrough,l-end": 400,
        "l-subtitles,i-talk.srt,fol-99_red,l-end": 400,
        "l-subtitles,i-talk.srt,fsh-red,l-end": 400,
    }.items():
        response = get(live_server, f"tr:{chain}/talk.mp4")
        assert response.status_code == status, (chain, response.headers.get("ik-error"))


def test_private_subtitle_file_needs_a_signed_url(
    live_server: LiveServer, base: dict[str, object]
) -> None:
    uploaded(live_server, SRT, "secret.srt", isPrivateFile="true", useUniqueFileName="false")
    response = get(live_server, "tr:l-subtitles,i-secret.srt,l-end/talk.mp4")
    assert response.status_code == 401
