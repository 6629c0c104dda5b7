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
    LayerVideo,
    Overlay,
    RenderLimits,
    Slot,
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
    overlays: tuple[Slot, ...] = (),
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
    overlays: tuple[Slot, ...],
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
        encoder = _VideoEncoder(out, vin, plan, codec, limits, first, overlays, (start, end))
        try:
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
        finally:
            encoder.close()
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
        overlays: tuple[Slot, ...],
        window: tuple[float, float],
    ):
        self.out, self.vin, self.plan, self.codec, self.limits = out, vin, plan, codec, limits
        self.overlays = overlays
        self.window = window
        self.frames = 0
        self.width = self.height = 0
        self.feeds: list[_LayerFeed | _CueFeed] = []
        self._open(first)

    def _open(self, frame: Any) -> None:
        rotation = round(-frame.rotation) % 360 // 90 * 90
        filters, self.width, self.height = chain_filters(
            self.plan.steps, frame.width, frame.height, rotation, self.limits.max_output_side
        )
        graph = _Graph(self.vin, self.overlays, self.window, self.limits)
        try:
            self.source, self.sink = graph.build([*filters, ("format", "yuv420p")])
        except BaseException:
            for feed in graph.feeds:
                feed.release()
            raise
        self.feeds = graph.feeds
        self.graph = graph.graph
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
        moment = float(frame.pts * self.vin.time_base)
        for feed in self.feeds:  # the layer videos' frames up to (and one past) this moment
            feed.until(moment)
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
        for feed in self.feeds:
            feed.close()
        self.source.push(None)
        self._drain()
        self.out.mux(self.stream.encode())

    def close(self) -> None:
        for feed in self.feeds:
            feed.release()


class _Graph:
    """Builds the filter graph: the step filters, with each overlay slot (corner pictures,
    image/text layers, subtitle cues, layer videos) linked in by an ``overlay`` filter."""

    def __init__(
        self,
        vin: Any,
        overlays: tuple[Slot, ...],
        window: tuple[float, float],
        limits: RenderLimits,
    ):
        self.graph = av.filter.Graph()
        self.vin, self.overlays, self.limits = vin, overlays, limits
        self.start = window[0]
        self.base_duration = min(window[1] - window[0], 1e7)  # bdu
        self.feeds: list[_LayerFeed | _CueFeed] = []
        self.pictures: list[tuple[Any, Any]] = []
        self.count = 0

    def build(self, filters: list[Filter]) -> tuple[Any, Any]:
        """The frame source and the sink."""
        # The stream as template: a buffer without its aspect ratio and rate crashes libx264.
        previous = head = self.graph.add_buffer(template=self.vin)
        for name, arguments in filters:
            if name == OVERLAY:
                index, width, height = (int(part) for part in arguments.split(":"))
                slot = self.overlays[index]
                if slot and all(overlay.cue is not None for overlay in slot):
                    previous = self._cues(previous, slot, (width, height))
                    continue
                for overlay in slot:
                    previous = self._overlay(previous, overlay, (width, height))
            else:
                node = self.graph.add(name, arguments) if arguments else self.graph.add(name)
                previous.link_to(node)
                previous = node
        sink = self.graph.add("buffersink")
        previous.link_to(sink)
        self.graph.configure()
        for source, picture in self.pictures:  # one picture each, repeated over every frame
            source.push(picture)
            source.push(None)
        for feed in self.feeds:
            if isinstance(feed, _LayerFeed):
                feed.configured()
        return head, sink

    def _overlay(self, previous: Any, overlay: Overlay, parent: tuple[int, int]) -> Any:
        self.count += 1
        name = f"layer{self.count}"
        if overlay.video is not None:
            feed = _LayerFeed(overlay.video, overlay, self.base_duration, self.limits)
            self.feeds.append(feed)
            source = feed.attach(self.graph, name)
            x, y = overlay.video.placement.origin(parent, (feed.width, feed.height))
            window: tuple[float, float] | None = feed.window
            ending = "pass"
        else:
            window = overlay.timing.window(self.base_duration)
            picture = _rgba_frame(overlay.picture)
            source = self.graph.add_buffer(
                width=picture.width,
                height=picture.height,
                format=picture.format,
                time_base=self.vin.time_base,
                name=name,
            )
            self.pictures.append((source, picture))
            x, y = overlay.x, overlay.y
            ending = "repeat"
        enable = ""
        if window is not None:
            enable = f":enable=between(t\\,{window[0]:.3f}\\,{min(window[1], 1e9):.3f})"
        node = self.graph.add("overlay", f"{x}:{y}:eof_action={ending}{enable}")
        previous.link_to(node, 0, 0)
        source.link_to(node, 0, 1)
        return node

    def _cues(self, previous: Any, slot: Slot, frame: tuple[int, int]) -> Any:
        """A subtitle layer: one ``overlay`` filter, fed a band picture per change of cues."""
        feed = _CueFeed(slot, frame, self.start, self.base_duration)
        if feed.empty:
            return previous
        self.feeds.append(feed)
        source = self.graph.add_buffer(
            width=frame[0],
            height=feed.height,
            format=av.VideoFormat("rgba"),
            time_base=_CueFeed.TICK,
            name=f"cues{len(self.feeds)}",
        )
        feed.source = source
        node = self.graph.add("overlay", f"0:{feed.top}:eof_action=repeat")
        previous.link_to(node, 0, 0)
        source.link_to(node, 0, 1)
        return node


class _CueFeed:
    """Subtitle cues over the frames: the times where the set of cues on screen changes
    (on the output, after the trim and the layer's lso/leo/ldu) each get one picture of the
    band they cover (overlapping cues stacked upwards), pushed just ahead of the base frames
    like a layer video's frames, so one ``overlay`` filter serves every cue."""

    TICK = Fraction(1, 1000)

    def __init__(self, slot: Slot, frame: tuple[int, int], start: float, base: float):
        self.frame = frame
        self.pictures: list[tuple[np.ndarray, int, int]] = []
        spans: list[tuple[float, float, int]] = []
        for overlay in slot:
            assert overlay.cue is not None
            low, high = overlay.cue[0] - start, overlay.cue[1] - start
            window = overlay.timing.window(base)
            if window is not None:
                low, high = max(low, window[0]), min(high, window[1])
            low = max(low, 0.0)
            if high > low and low < base:
                spans.append((low, high, len(self.pictures)))
                self.pictures.append((_rgba_pixels(overlay.picture), overlay.x, overlay.y))
        moments = sorted({0.0, *(t for span in spans for t in span[:2] if t < base)})
        self.events = []
        for moment in moments:
            shown = [index for low, high, index in spans if low <= moment < high]
            self.events.append((moment, shown))
        self.empty = not spans
        self.top = self.frame[1]
        for _moment, shown in self.events:
            self.top = min(self.top, self._layout(shown)[0])
        self.top = max(0, min(self.top, self.frame[1] - 2))
        self.height = self.frame[1] - self.top
        self.source: Any = None
        self.next = 0
        self.last = float("-inf")
        self.closed = False

    def _layout(self, shown: list[int]) -> tuple[int, list[tuple[int, int, int]]]:
        """The top of the stack of ``shown`` cues and where each goes (index, x, y)."""
        placed = []
        bottom = None
        for index in shown:
            pixels, x, y = self.pictures[index]
            height = pixels.shape[0]
            y = y if bottom is None else bottom - height
            placed.append((index, x, y))
            bottom = y
        return (bottom if bottom is not None else self.frame[1]), placed

    def _band(self, shown: list[int]) -> Any:
        band = np.zeros((self.height, self.frame[0], 4), np.uint8)
        for index, x, y in self._layout(shown)[1]:
            pixels = self.pictures[index][0]
            top = y - self.top
            rows = slice(max(0, top), min(self.height, top + pixels.shape[0]))
            cols = slice(max(0, x), min(self.frame[0], x + pixels.shape[1]))
            part = pixels[rows.start - top : rows.stop - top, cols.start - x : cols.stop - x]
            alpha = part[..., 3:4].astype(np.float32) / 255
            under = band[rows, cols].astype(np.float32)
            band[rows, cols, :3] = (part[..., :3] * alpha + under[..., :3] * (1 - alpha)).astype(
                np.uint8
            )
            band[rows, cols, 3] = np.maximum(under[..., 3], part[..., 3])
        frame = av.VideoFrame.from_ndarray(band, format="rgba")
        return frame

    def until(self, moment: float) -> None:
        while not self.closed and self.last <= moment:
            if self.next >= len(self.events):
                self.close()
                return
            at, shown = self.events[self.next]
            self.next += 1
            frame = self._band(shown)
            frame.pts = round(at / self.TICK)
            frame.time_base = self.TICK
            self.source.push(frame)
            self.last = at

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.source.push(None)

    def release(self) -> None:
        self.pictures = []


class _LayerFeed:
    """An ``l-video`` layer: its frames, trimmed and filtered by its own plan, pushed into the
    graph with output timestamps (``lso`` + time into the trimmed layer), just ahead of the
    base frames so the ``overlay`` filter always knows the layer frame to show."""

    def __init__(self, layer: LayerVideo, overlay: Overlay, base: float, limits: RenderLimits):
        self.layer = layer
        self.container = av.open(layer.path, metadata_errors="ignore")
        self.closed = False
        try:
            if not self.container.streams.video:
                raise invalid("the l-video input holds no video stream")
            self.stream = self.container.streams.video[0]
            self.stream.thread_type = "AUTO"
            self.tick = self.stream.time_base or Fraction(1, 90000)
            duration = _source_duration(self.container, self.stream)
            self.begin, end = layer.plan.window(duration)
            if self.begin > 0:
                self.container.seek(int(self.begin / self.tick), stream=self.stream, backward=True)
            self.frames = self._decoded()
            self.pending = next(self.frames, None)
            if self.pending is None:
                raise invalid("the l-video input has no frame within its trim")
            found = overlay.timing.window(base, end - self.begin) or (0.0, float("inf"))
            self.offset = found[0]  # lso: where the layer's first frame goes
            self.stop = min(found[1], self.offset + end - self.begin)
            self.window = (self.offset, self.stop)
            first = self.pending
            rotation = round(-first.rotation) % 360 // 90 * 90
            self.filters, self.width, self.height = chain_filters(
                layer.plan.steps, first.width, first.height, rotation, limits.max_output_side
            )
        except BaseException:
            self.release()
            raise
        self.last = float("-inf")

    def _decoded(self) -> Iterator[Any]:
        for packet in self.container.demux(self.stream):
            for frame in packet.decode():
                if frame.time is not None and frame.time >= self.begin - 1e-6:
                    yield frame

    def attach(self, graph: Any, name: str) -> Any:
        self.source = graph.add_buffer(template=self.stream, name=name)
        previous = self.source
        for filter_name, arguments in [*self.filters, ("format", "yuva420p")]:
            node = graph.add(filter_name, arguments) if arguments else graph.add(filter_name)
            previous.link_to(node)
            previous = node
        if self.layer.radius is None:
            return previous
        # Rounded corners: an alpha mask (one picture, repeated) merged into every frame.
        mask = av.VideoFrame.from_ndarray(
            _rounded_mask(self.width, self.height, self.layer.radius), format="gray"
        )
        mask.pts = 0
        self.mask = graph.add_buffer(
            width=self.width,
            height=self.height,
            format=av.VideoFormat("gray"),
            time_base=self.tick,
            name=f"{name}-mask",
        )
        merge = graph.add("alphamerge")
        previous.link_to(merge, 0, 0)
        self.mask.link_to(merge, 0, 1)
        self.mask_frame = mask
        return merge

    def configured(self) -> None:
        """Once the graph is configured: the corner mask, pushed once."""
        if self.layer.radius is not None:
            self.mask.push(self.mask_frame)
            self.mask.push(None)

    def until(self, moment: float) -> None:
        """Push frames up to ``moment`` (output seconds) and the first one after it."""
        while not self.closed and self.last <= moment:
            frame = self.pending if self.pending is not None else next(self.frames, None)
            self.pending = None
            if frame is None:
                self.close()
                return
            at = self.offset + float(frame.time) - self.begin
            if at >= self.stop - 1e-6:
                self.close()
                return
            frame.pts = round(at / self.tick)
            self.source.push(frame)
            self.last = at

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.source.push(None)

    def release(self) -> None:
        self.container.close()


def _rounded_mask(width: int, height: int, radius: float) -> np.ndarray:
    """Opaque inside a rounded rectangle of the size (``radius`` -1: half the shorter side),
    transparent outside, antialiased over one pixel (as overlays.corner_picture)."""
    limit = min(width, height) / 2
    r = limit if radius < 0 else min(radius, limit)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    dx = np.maximum(np.maximum(r - xs, xs - (width - r)), 0)
    dy = np.maximum(np.maximum(r - ys, ys - (height - r)), 0)
    inside = 1 - np.clip(np.hypot(dx, dy) - r + 0.5, 0, 1)
    return np.ascontiguousarray((inside * 255).astype(np.uint8))


def _rgba_pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGBA")))


def _rgba_frame(png: bytes) -> Any:
    frame = av.VideoFrame.from_ndarray(_rgba_pixels(png), format="rgba")
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
