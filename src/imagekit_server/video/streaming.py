"""Adaptive bitrate streaming: one fragmented MP4 per ``sr-`` height, cut at a keyframe every
``SEGMENT_SECONDS``; HLS and DASH manifests address its segments by byte range, so a
representation is one blob (docs/video.md, Adaptive streaming).

URLs, relative to the video (the ``tr`` value travels on each):
``<video>/ik-master.m3u8``, ``<video>/ik-master.mpd``, ``<video>/ik-abs-<height>.m3u8`` (HLS
media playlist) and ``<video>/ik-abs-<height>.mp4`` (the representation).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

SEGMENT_SECONDS = 4.0


@dataclass(frozen=True)
class Representation:
    height: int
    width: int
    bandwidth: int  # bits per second
    size: int
    init: tuple[int, int]  # (offset, length) of ftyp + moov
    segments: tuple[tuple[int, int, float], ...]  # (offset, length, seconds)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Representation:
        return cls(
            height=int(data["height"]),
            width=int(data["width"]),
            bandwidth=int(data["bandwidth"]),
            size=int(data["size"]),
            init=(int(data["init"][0]), int(data["init"][1])),
            segments=tuple((int(a), int(b), float(c)) for a, b, c in data["segments"]),
        )


def index_fragments(path: str, height: int, width: int) -> Representation:
    """Byte ranges of a fragmented MP4's init section and of each ``moof``+``mdat`` pair, with
    each segment's duration from the keyframe times (a fragment starts at each)."""
    boxes = _top_level_boxes(path)
    init_end = next(offset for kind, offset, _ in boxes if kind == b"moof")
    starts = [offset for kind, offset, _ in boxes if kind == b"moof"]
    size = boxes[-1][1] + boxes[-1][2]
    ranges = [(start, end - start) for start, end in zip(starts, [*starts[1:], size], strict=True)]
    times, total = _keyframe_times(path)
    if len(times) != len(ranges):  # unexpected layout: one segment for the whole file
        ranges, times = [(init_end, size - init_end)], [0.0]
    durations = [b - a for a, b in zip(times, [*times[1:], total], strict=True)]
    bandwidth = round(size * 8 / total) if total else 0
    return Representation(
        height=height,
        width=width,
        bandwidth=bandwidth,
        size=size,
        init=(0, init_end),
        segments=tuple((o, n, d) for (o, n), d in zip(ranges, durations, strict=True)),
    )


def _top_level_boxes(path: str) -> list[tuple[bytes, int, int]]:
    boxes = []
    with open(path, "rb") as handle:
        offset = 0
        while header := handle.read(8):
            if len(header) < 8:
                break
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0]
            if size < 8:
                break
            boxes.append((kind, offset, size))
            offset += size
            handle.seek(offset)
    return boxes


def _keyframe_times(path: str) -> tuple[list[float], float]:
    import av  # runs in a render process

    with av.open(path) as container:
        video = container.streams.video[0]
        times = [
            float(packet.pts * packet.time_base)
            for packet in container.demux(video)
            if packet.is_keyframe and packet.pts is not None and packet.time_base is not None
        ]
        total = float(container.duration / av.time_base) if container.duration else 0.0
    first = times[0] if times else 0.0
    return [t - first for t in times], total - first


Link = Callable[[str], str]
"""A part's file name (``ik-abs-240.m3u8``) -> the URI the manifest writes for it: relative,
with the request's query, and signed when the manifest's URL was (streaming_delivery.py)."""


def hls_master(representations: list[Representation], link: Link) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for item in representations:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={item.bandwidth},RESOLUTION={item.width}x{item.height}"
        )
        lines.append(link(f"ik-abs-{item.height}.m3u8"))
    return "\n".join(lines) + "\n"


def hls_media(item: Representation, link: Link) -> str:
    uri = link(f"ik-abs-{item.height}.mp4")
    longest = max((seconds for _, _, seconds in item.segments), default=1.0)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        f"#EXT-X-TARGETDURATION:{math.ceil(longest)}",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-MEDIA-SEQUENCE:0",
        f'#EXT-X-MAP:URI="{uri}",BYTERANGE="{item.init[1]}@{item.init[0]}"',
    ]
    for offset, length, seconds in item.segments:
        lines += [f"#EXTINF:{seconds:.3f},", f"#EXT-X-BYTERANGE:{length}@{offset}", uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def dash_manifest(representations: list[Representation], link: Link, duration: float) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" '
        'profiles="urn:mpeg:dash:profile:isoff-main:2011" minBufferTime="PT2S" '
        f'mediaPresentationDuration="PT{duration:.3f}S">',
        "<Period>",
        '<AdaptationSet mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">',
    ]
    for item in representations:
        base = escape(link(f"ik-abs-{item.height}.mp4"))
        parts.append(
            f'<Representation id="{item.height}" bandwidth="{item.bandwidth}" '
            f'width="{item.width}" height="{item.height}">'
        )
        parts.append(f"<BaseURL>{base}</BaseURL>")
        parts.append('<SegmentList timescale="1000">')
        start, length = item.init
        parts.append(f"<Initialization range={quoteattr(f'{start}-{start + length - 1}')}/>")
        parts.append("<SegmentTimeline>")
        parts += [f'<S d="{round(seconds * 1000)}"/>' for _, _, seconds in item.segments]
        parts.append("</SegmentTimeline>")
        parts += [
            f'<SegmentURL mediaRange="{offset}-{offset + size - 1}"/>'
            for offset, size, _ in item.segments
        ]
        parts += ["</SegmentList>", "</Representation>"]
    parts += ["</AdaptationSet>", "</Period>", "</MPD>"]
    return "\n".join(parts) + "\n"
