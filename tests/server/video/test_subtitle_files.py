"""The SRT/WebVTT parser and the cue band, without a server: timestamps in both notations,
line endings and encodings, markup dropped, bounds; overlapping cues stacked upwards; only
the cues of a trimmed render's span drawn."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from imagekit_server.imaging.errors import TransformationError
from imagekit_server.video.outputs import RenderLimits
from imagekit_server.video.overlays import layer_span, trim_window
from imagekit_server.video.plan import parse_video_plan
from imagekit_server.video.render import render_video
from imagekit_server.video.subtitle_pictures import cue_pictures
from imagekit_server.video.subtitles import Cue, cues_within, parse_cues, subtitle_style
from tests.server.video.media import make_video


def test_srt_with_crlf_bom_hours_and_markup() -> None:
    data = (
        "\ufeff1\r\n01:02:03,004 --> 01:02:04,5\r\n<b>Bold</b> {\\an8}top &lt;3\r\n\r\n"
        "2\r\n00:00:01,000 --> 00:00:00,500\r\nends before it starts: dropped\r\n"
    ).encode()
    assert parse_cues(data) == (Cue(3723.004, 3724.5, "Bold top <3"),)


def test_webvtt_without_hours_with_settings_and_blocks() -> None:
    data = b"""WEBVTT - a title

STYLE
::cue { color: red }

NOTE
a note --> with an arrow inside? no: notes have none

1
00:05.250 --> 00:07.000 line:0 position:20%
<c.yellow>one</c>
<v Ann>two</v>
"""
    with pytest.raises(TransformationError):  # WebVTT forbids "-->" in a NOTE: refused
        parse_cues(data)
    fixed = data.replace(b"a note --> with an arrow inside? no: notes have none", b"a note")
    assert parse_cues(fixed) == (Cue(5.25, 7.0, "one\ntwo"),)


def test_windows_1252_falls_back() -> None:
    data = "1\n00:00:01,000 --> 00:00:02,000\nCafé\n".encode("cp1252")
    assert parse_cues(data)[0].text == "Café"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some text\n",
        b"1\n00:00:01,000 --> 00:61:00,000\nbad minutes\n",
        b"1\n00:00:01,000 -> 00:00:02,000\nno arrow\n1\n1 --> 2\nx\n",
        b"1\n00:00:01,000 --> 00:00:02,000\n" + b"y" * 1001 + b"\n",
    ],
)
def test_refused(data: bytes) -> None:
    with pytest.raises(TransformationError) as raised:
        parse_cues(data)
    assert raised.value.status == 400


def test_overlapping_cues_are_stacked(tmp_path: Path) -> None:
    """Two cues at once: the band reaches higher up than one cue alone, and the lower cue
    stays where it was."""
    source = tmp_path / "in.mp4"
    source.write_bytes(make_video(seconds=2, width=320, height=240))
    cues = (Cue(0.0, 2.0, "lower cue"), Cue(1.0, 2.0, "upper cue"))
    slot = cue_pictures(subtitle_style({"bg": "FFFF00"}), cues, (320, 240), None, None)
    plan = parse_video_plan("l-subtitles,i-cues.srt,l-end")
    output = tmp_path / "out.mp4"
    render_video(str(source), str(output), plan, RenderLimits(4000, 60, 60), (slot,))
    with av.open(io.BytesIO(output.read_bytes())) as container:
        frames = {
            round(float(frame.time or 0), 2): frame.to_ndarray(format="rgb24").astype(int)
            for frame in container.decode(video=0)
        }

    def yellow_rows(moment: float) -> np.ndarray:
        frame = min(frames.items(), key=lambda item: abs(item[0] - moment))[1]
        yellow = (frame[..., 0] > 180) & (frame[..., 1] > 180) & (frame[..., 2] < 100)
        return np.flatnonzero(yellow.any(axis=1))

    one, two = yellow_rows(0.5), yellow_rows(1.5)
    assert len(one) and len(two)
    assert two.min() < one.min() - 5  # the second cue sits above the first
    assert abs(int(two.max()) - int(one.max())) <= 1  # the first stays at the bottom


def test_only_the_cues_of_the_rendered_span_are_drawn() -> None:
    """A trimmed render draws the cues it can show (with a second to spare either side of
    the span reckoned from the probed duration), not the whole file's."""
    cues = tuple(Cue(float(n), n + 0.5, f"cue {n}") for n in range(100))
    plan = parse_video_plan("so-40,du-10,l-subtitles,i-film.srt,lso-2,ldu-3,l-end")
    window = trim_window(plan, 100.0)
    assert window == (40.0, 50.0)
    layer = plan.steps[0].layers[0]
    span = layer_span(layer, window)
    assert span == (42.0, 45.0)  # lso/ldu count from the output's start
    drawn = cues_within(cues, span)
    assert [cue.start for cue in drawn] == [41.0, 42.0, 43.0, 44.0, 45.0]
    assert cues_within(cues, None) == cues
    whole = parse_video_plan("l-subtitles,i-film.srt,l-end")
    assert layer_span(whole.steps[0].layers[0], trim_window(whole, 100.0)) == (0.0, 100.0)


def test_no_span_when_the_duration_is_unknown_or_the_trim_leaves_nothing() -> None:
    plan = parse_video_plan("so-40,l-subtitles,i-film.srt,l-end")
    assert trim_window(plan, None) is None
    assert trim_window(plan, float("inf")) is None
    assert trim_window(plan, 30.0) is None  # the render refuses it with its own message
    assert layer_span(plan.steps[0].layers[0], None) is None
