"""Transcode one rendition (runs in a render process, ``pool``): decode, filter, encode.

Frames keep the source's timestamps (VFR stays VFR); trimming seeks to the keyframe before
``so`` and drops what lies outside the window. Audio is re-encoded (AAC in MP4, Opus in
WebM) unless ``ac-none``.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np

from imagekit_server.imaging.errors import (
    TransformationError,
    invalid,
    limit_exceeded,
    processing_failed,
)
from imagekit_server.video.geometry import OVERLAY, Filter, chain_filters
from imagekit_server.video.outputs import (
    Overlay,
    RenderLimits,
    out_of_memory,
    output_container,
)
from imagekit_server.video.plan import VideoPlan

X264_PRESET = "veryfast"
DEFAULT_QUALITY = 68  # x264's default CRF 23


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    duration: float
    video_codec: str
    bit_rate: int


def crf(plan: VideoPlan, codec: str) -> int:
    quality = plan.quality or DEFAULT_QUALITY
    if codec == "vp9":
        return round(57 - quality * 0.35)
    return round(40 - quality * 0.25)


def render_video(
    source: str,
    output: str,
    plan: VideoPlan,
    limits: RenderLimits,
    overlays: tuple[Overlay, ...] = (),
) -> Rendition:
    """Raises ``TransformationError``."""
    deadline = time.monotonic() + limits.max_seconds
    try:
        with av.open(source, metadata_errors="ignore") as inp:
            return _transcode(inp, output, plan, limits, deadline, overlays)
    except TransformationError:
        raise
    except MemoryError:  # also FFmpeg's ENOMEM: the render process's cap (pool.py)
        raise out_of_memory() from None
    except (av.FFmpegError, ValueError, OSError) as error:
        raise processing_failed(f"the video could not be transcoded: {error}") from None


def _source_duration(inp: Any, vin: Any) -> float:
    if inp.duration:
        return float(inp.duration / av.time_base)
    if vin.duration and vin.time_base:
        return float(vin.duration * vin.time_base)
    return float("inf")  # some GIFs: read to the end


def _transcode(
    inp: Any,
    output: str,
    plan: VideoPlan,
    limits: RenderLimits,
    deadline: float,
    overlays: tuple[Overlay, ...],
) -> Rendition:
    if not inp.streams.video:
        raise processing_failed("the file holds no video stream")
    vin = inp.streams.video[0]
    vin.thread_type = "AUTO"
    ain = inp.streams.audio[0] if plan.audio and inp.streams.audio else None
    start, end = plan.window(_source_duration(inp, vin))
    if plan.video_codec == "none":
        return _audio_only(inp, ain, output, plan, start, end)
    if end - start > limits.max_duration:
        raise limit_exceeded(
            f"the output would last {end - start:.0f} s; the limit is {limits.max_duration:g} s"
        )
    if start > 0:
        # By the video stream: a container-level seek may land at the start (all decoded).
        inp.seek(int(start / vin.time_base), stream=vin, backward=True)
    container = output_container(plan)
    codec = "vp9" if container == "webm" else "h264"
    options = {"movflags": "+faststart"} if container == "mp4" else {}
    if limits.segment_seconds:
        options = {"movflags": "+frag_keyframe+empty_moov+default_base_moof"}
    with av.open(output, "w", format=container, options=options) as out:
        streams = [vin] + ([ain] if ain is not None else [])
        frames = _decoded(inp, streams, deadline, limits.max_seconds)
        early_audio: list[Any] = []
        first = None
        for frame in frames:  # the first picture decides the output size and rotation
            if isinstance(frame, av.AudioFrame):
                early_audio.append(frame)
            else:
                first = frame
                break
        if first is None:
            raise processing_failed("no frame lies within the requested time window")
        # Every stream is added before the first packet is written (the header needs them).
        encoder = _VideoEncoder(out, vin, plan, codec, limits, first, overlays)
        audio = _AudioEncoder(out, ain, container) if ain is not None else None
        for frame in itertools.chain(early_audio, [first], frames):
            if isinstance(frame, av.AudioFrame):
                if audio is not None:
                    audio.encode(frame, start, end)
                continue
            moment = frame.time
            if moment is None or moment < start - 1e-6:
                continue
            if moment >= end - 1e-6:
                if audio is None or audio.done:
                    break
                continue
            encoder.encode(frame, start)
        encoder.finish()
        if audio is not None:
            audio.finish()
        if encoder.frames == 0:
            raise processing_failed("no frame lies within the requested time window")
    duration = min(end, _source_duration(inp, vin)) - start
    return Rendition(encoder.width, encoder.height, duration, codec, 0)


def _audio_only(
    inp: Any, ain: Any, output: str, plan: VideoPlan, start: float, end: float
) -> Rendition:
    """``vc-none``: the audio track alone (AAC in MP4, Opus in WebM), trimmed."""
    if ain is None:
        raise invalid("vc-none needs an audio track (and no ac-none)")
    container = output_container(plan)
    if start > 0:
        inp.seek(int(start / ain.time_base), stream=ain, backward=True)
    options = {"movflags": "+faststart"} if container == "mp4" else {}
    with av.open(output, "w", format=container, options=options) as out:
        audio = _AudioEncoder(out, ain, container)
        for packet in inp.demux(ain):
            for frame in packet.decode():
                audio.encode(frame, start, end)
            if audio.done:
                break
        audio.finish()
    return Rendition(0, 0, end - start, "none", 0)


def _decoded(inp: Any, streams: list[Any], deadline: float, limit: float) -> Iterator[Any]:
    """Video and audio frames in demux order, within the time limit."""
    for packet in inp.demux(*streams):
        if time.monotonic() > deadline:
            raise limit_exceeded(f"rendering took over {limit:g} s")
        yield from packet.decode()


class _VideoEncoder:
    """The filter graph and encoder; the first frame's size and rotation decide them."""

    def __init__(
        self,
        out: Any,
        vin: Any,
        plan: VideoPlan,
        codec: str,
        limits: RenderLimits,
        first: Any,
        overlays: tuple[Overlay, ...],
    ):
        self.out, self.vin, self.plan, self.codec, self.limits = out, vin, plan, codec, limits
        self.overlays = overlays
        self.frames = 0
        self.width = self.height = 0
        self._open(first)

    def _open(self, frame: Any) -> None:
        rotation = round(-frame.rotation) % 360 // 90 * 90
        filters, self.width, self.height = chain_filters(
            self.plan.steps, frame.width, frame.height, rotation, self.limits.max_output_side
        )
        self.graph, self.source, self.sink = _graph(
            self.vin, [*filters, ("format", "yuv420p")], self.overlays
        )
        rate = self.vin.average_rate or self.vin.guessed_rate or Fraction(30)
        name = "libvpx-vp9" if self.codec == "vp9" else "libx264"
        stream = self.out.add_stream(name, rate=rate)
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, "yuv420p"
        stream.codec_context.time_base = self.vin.time_base
        stream.time_base = self.vin.time_base
        value = str(crf(self.plan, self.codec))
        if self.codec == "vp9":
            stream.options = {
                "crf": value,
                "b": "0",
                "deadline": "realtime",
                "cpu-used": "8",
                "row-mt": "1",
            }
        else:
            stream.options = {"crf": value, "preset": X264_PRESET}
            if self.limits.segment_seconds:  # a keyframe (and segment) every N seconds
                interval = max(1, round(float(rate) * self.limits.segment_seconds))
                stream.options["x264-params"] = (
                    f"keyint={interval}:min-keyint={interval}:scenecut=0"
                )
        self.stream = stream

    def encode(self, frame: Any, start: float) -> None:
        offset = int(start / self.vin.time_base)
        frame.pts = frame.pts - offset
        self.source.push(frame)
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                filtered = self.sink.pull()
            except (BlockingIOError, av.error.BlockingIOError, EOFError, av.error.EOFError):
                return
            self.out.mux(self.stream.encode(filtered))
            self.frames += 1

    def finish(self) -> None:
        self.source.push(None)
        self._drain()
        self.out.mux(self.stream.encode())


def _graph(vin: Any, filters: list[Filter], overlays: tuple[Overlay, ...]) -> tuple[Any, Any, Any]:
    """The graph, its frame source and its sink."""
    graph = av.filter.Graph()
    # The stream as template: a buffer without its aspect ratio and rate crashes libx264.
    previous = head = graph.add_buffer(template=vin)
    pictures: list[tuple[Any, Any]] = []
    for name, arguments in filters:
        if name == OVERLAY:
            png, enable = overlays[int(arguments)]
            picture = _rgba_frame(png)
            source = graph.add_buffer(
                width=picture.width,
                height=picture.height,
                format=picture.format,
                time_base=vin.time_base,
                name=f"layer{arguments}",
            )
            window = f":enable={enable}" if enable else ""
            node = graph.add("overlay", f"0:0:eof_action=repeat{window}")
            previous.link_to(node, 0, 0)
            source.link_to(node, 0, 1)
            pictures.append((source, picture))
        else:
            node = graph.add(name, arguments) if arguments else graph.add(name)
            previous.link_to(node)
        previous = node
    sink = graph.add("buffersink")
    previous.link_to(sink)
    graph.configure()
    for source, picture in pictures:  # one picture each, repeated over every frame
        source.push(picture)
        source.push(None)
    return graph, head, sink


def _rgba_frame(png: bytes) -> Any:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        pixels = np.asarray(image.convert("RGBA"))
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgba")
    frame.pts = 0
    return frame


class _AudioEncoder:
    def __init__(self, out: Any, ain: Any, container: str):
        name, rate = ("libopus", 48000) if container == "webm" else ("aac", 48000)
        self.stream = out.add_stream(name, rate=rate)
        self.stream.layout = "stereo"
        # Set before the header is written (the first video packet may come first): a zero
        # time base there is a division by zero inside FFmpeg.
        self.stream.time_base = Fraction(1, rate)
        self.stream.codec_context.time_base = Fraction(1, rate)
        self.out = out
        self.rate = rate
        fmt = self.stream.codec_context.codec.audio_formats[0].name
        self.resampler = av.AudioResampler(format=fmt, layout="stereo", rate=rate)
        self.samples = 0
        self.done = False

    def encode(self, frame: Any, start: float, end: float) -> None:
        moment = frame.time
        if self.done or moment is None or moment < start - 0.02:
            return
        if moment >= end:
            self.done = True
            return
        for resampled in self.resampler.resample(frame):
            self._write(resampled)

    def _write(self, frame: Any) -> None:
        frame.pts = self.samples
        frame.time_base = Fraction(1, self.rate)
        self.samples += frame.samples
        self.out.mux(self.stream.encode(frame))

    def finish(self) -> None:
        for resampled in self.resampler.resample(None):
            self._write(resampled)
        self.out.mux(self.stream.encode())
