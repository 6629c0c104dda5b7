"""The probe subprocess: ``python -m imagekit_server.video.probe_child <path> <limits JSON>``.

Prints one JSON object: the facts, ``{"error": ...}`` for a file that is not a usable video, or
``{"video": false}`` when the container holds no video stream (stored as a plain file). It runs
apart from the server so that a demuxer that crashes, hangs or allocates wildly on a hostile
file takes only this process down (the parent kills it at the time limit; memory is capped).
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

import av

# Address space of the probe process: enough for a 8K frame and FFmpeg's buffers.
_MEMORY_LIMIT = 2 * 1024 * 1024 * 1024


class ProbeRefused(Exception):
    """The file is a video we refuse (over a limit, corrupt); the message is the API's."""


def probe(path: str, limits: dict[str, Any]) -> dict[str, Any]:
    try:
        container = av.open(path, options={"probesize": "20000000"}, metadata_errors="ignore")
    except av.FFmpegError as error:
        raise ProbeRefused("The video file is corrupt or truncated and cannot be read.") from error
    with container:
        streams = list(container.streams)
        if len(streams) > limits["max_streams"]:
            raise ProbeRefused(
                f"The video has {len(streams)} streams; at most {limits['max_streams']} "
                "are accepted."
            )
        if not streams:  # a container signature with nothing readable behind it
            raise ProbeRefused("The video file is corrupt or truncated: it holds no stream.")
        videos = [s for s in streams if s.type == "video"]
        if not videos:
            return {"video": False}
        video = videos[0]
        audio = next((s for s in streams if s.type == "audio"), None)
        codec: Any = video.codec_context
        width, height = int(codec.width), int(codec.height)
        if not width or not height:
            raise ProbeRefused("The video stream declares no frame size.")
        if max(width, height) > limits["max_dimension"]:
            raise ProbeRefused(
                f"The video is too large: {width}x{height} exceeds "
                f"{limits['max_dimension']} pixels per side."
            )
        duration = _duration(container, video)
        if duration is None or duration <= 0:
            raise ProbeRefused("The video declares no duration.")
        if duration > limits["max_duration"]:
            raise ProbeRefused(
                f"The video is too long: {duration:.1f} s exceeds the limit of "
                f"{limits['max_duration']:g} s."
            )
        rotation = _first_frame_rotation(container, video)
        _check_end(container, video, duration)
        size_bits = limits["size"] * 8
        bit_rate = container.bit_rate or (round(size_bits / duration) if duration else 0)
        return {
            "video": True,
            "width": width,
            "height": height,
            "rotation": rotation,
            "duration": duration,
            "bitRate": int(bit_rate),
            "videoCodec": video.codec_context.name,
            "audioCodec": audio.codec_context.name if audio is not None else None,
            "format": container.format.name.split(",")[0],
        }


def _duration(container: Any, video: Any) -> float | None:
    if container.duration is not None and container.duration > 0:
        return float(container.duration / av.time_base)
    if video.duration is not None and video.time_base is not None:
        return float(video.duration * video.time_base)
    return None


def _first_frame_rotation(container: Any, video: Any) -> int:
    """Decodes the first frame (the file must really hold pictures); its display rotation in
    degrees clockwise, one of 0, 90, 180, 270."""
    try:
        for frame in container.decode(video):
            angle: float = -frame.rotation
            return round(angle) % 360 // 90 * 90
    except av.FFmpegError as error:
        raise ProbeRefused("The video stream is corrupt and cannot be decoded.") from error
    raise ProbeRefused("The video stream holds no decodable frame.")


def _check_end(container: Any, video: Any, duration: float) -> None:
    """A truncated file (or a container that lies about its length) has no frame near the
    declared end: seek there and decode one."""
    target = max(0.0, duration - 1.0)
    try:
        container.seek(int(target / video.time_base), stream=video, backward=True)
        for _frame in container.decode(video):
            return
    except av.FFmpegError as error:
        raise ProbeRefused("The video file is truncated: its end cannot be decoded.") from error
    raise ProbeRefused("The video file is truncated: its end cannot be decoded.")


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    av.logging.set_level(None)
    path, limits = sys.argv[1], json.loads(sys.argv[2])
    try:
        result = probe(path, limits)
    except ProbeRefused as refused:
        result = {"error": str(refused)}
    except (av.FFmpegError, MemoryError, OverflowError, ValueError, ZeroDivisionError):
        result = {"error": "The video file is corrupt and cannot be read."}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
