"""Probe an uploaded video in a bounded subprocess (``probe_child``): duration, size, bit rate,
codecs and rotation, or a clear refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagekit_server.settings import Settings
from imagekit_server.video.containers import mime_for, sniff_path


class VideoRefused(ValueError):
    """The upload is a video this server refuses; the message is the API's (400)."""


@dataclass(frozen=True)
class VideoFacts:
    width: int  # as displayed: rotation applied
    height: int
    duration: float  # seconds
    bit_rate: int  # bits per second
    video_codec: str
    audio_codec: str | None
    rotation: int  # degrees clockwise the player turns the stored frames
    mime: str
    format: str  # file name extension ImageKit reports ("mp4", "webm", ...)

    def metadata(self, size: int) -> dict[str, Any]:
        """The metadata object of docs/reference/api.md §2.4 for a video (duration in whole
        seconds, as
        ImageKit's examples; bitRate in bits per second)."""
        return {
            "height": self.height,
            "width": self.width,
            "bitRate": self.bit_rate,
            "duration": round(self.duration),
            "audioCodec": self.audio_codec,
            "videoCodec": self.video_codec,
            "size": size,
            "format": self.format,
        }


def probe_video(path: Path, file_name: str, settings: Settings) -> VideoFacts | None:
    """None when ``path`` is not a video container, or one without a video stream (an audio
    file): those are stored as plain files. Raises ``VideoRefused``."""
    container = sniff_path(path)
    if container is None:
        return None
    limits = {
        "max_streams": settings.video_max_streams,
        "max_dimension": settings.video_max_dimension,
        "max_duration": settings.video_max_duration_seconds,
        "size": path.stat().st_size,
    }
    result = _run_child(path, limits, settings.video_probe_timeout_seconds)
    if "error" in result:
        raise VideoRefused(str(result["error"]))
    if not result.get("video"):
        return None
    rotation = int(result["rotation"])
    width, height = int(result["width"]), int(result["height"])
    if rotation in (90, 270):
        width, height = height, width
    mime = mime_for(file_name, container)
    suffix = Path(file_name).suffix.lower().lstrip(".")
    return VideoFacts(
        width=width,
        height=height,
        duration=float(result["duration"]),
        bit_rate=int(result["bitRate"]),
        video_codec=str(result["videoCodec"]),
        audio_codec=result["audioCodec"],
        rotation=rotation,
        mime=mime,
        format=suffix or container,
    )


def _run_child(path: Path, limits: dict[str, Any], timeout: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "imagekit_server.video.probe_child", str(path)]
    try:
        done = subprocess.run(
            [*command, json.dumps(limits)],
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise VideoRefused(
            f"The video could not be read within {timeout:g} seconds; it is corrupt or too complex."
        ) from None
    try:
        result = json.loads(done.stdout or b"{}")
    except ValueError:
        result = {}
    if done.returncode != 0 or not isinstance(result, dict) or not result:
        raise VideoRefused("The video file is corrupt and cannot be read.")
    return result
