"""Which video URL a delivery request is: a rendition, a thumbnail or an adaptive streaming
file (docs/video.md). Cheap string tests only: this runs for every delivery request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from imagekit_server.video.containers import VIDEO_SUFFIXES

THUMBNAIL = "ik-thumbnail.jpg"
VIDEO_SUFFIX_NAME = "ik-video.mp4"  # ImageKit's suffix for videos without an .mp4 name
_GIF_TO_VIDEO = ("f-mp4", "f-webm")
_ABS_NAMES = {"ik-master.m3u8": "hls", "ik-master.mpd": "dash"}
_ABS_PART = re.compile(r"ik-abs-(\d{1,5})\.(m3u8|mp4)")


class Target(Protocol):
    """What of a parsed delivery URL (delivery/target.py) tells a video request apart."""

    @property
    def file_path(self) -> str: ...

    @property
    def transformation(self) -> str | None: ...


@dataclass(frozen=True)
class VideoRequest:
    """What a video URL asks for."""

    file_path: str  # the stored video (or GIF)
    kind: str  # "video", "thumbnail", or adaptive streaming: "hls", "dash", "hls-media", "abs-file"
    height: int = 0  # the representation of "hls-media" and "abs-file"


def video_request(target: Target) -> VideoRequest | None:
    """Cheap string tests only (this runs for every delivery request)."""
    path = target.file_path
    head, _, last = path.rpartition("/")
    if last == THUMBNAIL:
        return VideoRequest(head, "thumbnail")
    if last in _ABS_NAMES:
        return VideoRequest(head, _ABS_NAMES[last])
    if last.startswith("ik-abs-") and (part := _ABS_PART.fullmatch(last)):
        kind = "hls-media" if part.group(2) == "m3u8" else "abs-file"
        return VideoRequest(head, kind, int(part.group(1)))
    if last == VIDEO_SUFFIX_NAME and head:
        return VideoRequest(head, "video") if target.transformation else None
    if target.transformation is None:
        return None
    suffix = last.rpartition(".")[2].lower()
    if suffix in VIDEO_SUFFIXES:
        return VideoRequest(path, "video")
    if suffix == "gif" and any(flag in target.transformation for flag in _GIF_TO_VIDEO):
        return VideoRequest(path, "video")
    return None
