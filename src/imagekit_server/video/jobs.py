"""Entry points that run inside render processes. They return plain data (an error as a
``(status, code, message)`` tuple) so nothing unpicklable crosses the process boundary."""

from __future__ import annotations

import io
import os
import time
from dataclasses import asdict

import av
import numpy as np

from imagekit_server.imaging.errors import TransformationError
from imagekit_server.video.outputs import Outcome, RenderLimits, Slot
from imagekit_server.video.plan import VideoPlan
from imagekit_server.video.render import render_video


def transcode_job(
    source: str,
    output: str,
    plan: VideoPlan,
    limits: RenderLimits,
    overlays: tuple[Slot, ...] = (),
) -> Outcome:
    try:
        done = asdict(render_video(source, output, plan, limits, overlays))
    except TransformationError as error:
        return "error", (error.status, error.code, error.message)
    seconds = done["duration"]
    done["bit_rate"] = round(os.path.getsize(output) * 8 / seconds) if seconds > 0 else 0
    return "ok", done


def thumbnail_job(source: str, plan: VideoPlan, max_seconds: float) -> Outcome:
    """The frame shown at ``so-`` (or the last one before it) as a JPEG, upright: seeks to the
    keyframe before it and decodes forward from there only."""
    try:
        return "ok", _thumbnail(source, plan, time.monotonic() + max_seconds)
    except TransformationError as error:
        return "error", (error.status, error.code, error.message)
    except (av.FFmpegError, ValueError, OSError) as error:
        return "error", (500, "UNIDENTIFIED", f"the video frame could not be decoded: {error}")


def _thumbnail(source: str, plan: VideoPlan, deadline: float) -> bytes:
    """Only reference frames are decoded on the way from the keyframe (a B-frame is never
    needed to decode a later frame): about half the work, and the picture shown is at most
    the few B-frames before ``at_seconds`` (docs/video.md)."""
    from PIL import Image

    with av.open(source, metadata_errors="ignore") as inp:
        video = inp.streams.video[0]
        video.thread_type = "AUTO"
        video.codec_context.skip_frame = "NONREF"
        duration = float(inp.duration / av.time_base) if inp.duration else 0.0
        at_seconds = plan.start_seconds(duration)
        if at_seconds > 0 and video.time_base is not None:
            inp.seek(int(at_seconds / video.time_base), stream=video, backward=True)
        chosen = None
        for frame in inp.decode(video):
            moment = frame.time or 0.0
            if chosen is not None and moment > at_seconds + 1e-6:
                break
            chosen = frame
            if moment >= at_seconds - 1e-6 or time.monotonic() > deadline:
                break  # exactly there: no need to decode the next one
        if chosen is None:
            raise TransformationError(400, "EINVALIDTRANSFORMATION", "so- is past the video's end")
        rotation = round(-chosen.rotation) % 360 // 90
        pixels = np.rot90(chosen.to_ndarray(format="rgb24"), k=-rotation)
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def representation_job(
    source: str,
    output: str,
    plan: VideoPlan,
    limits: RenderLimits,
    overlays: tuple[Slot, ...] = (),
) -> Outcome:
    """One adaptive-streaming representation: a fragmented MP4 and its segment index."""
    from imagekit_server.video.streaming import index_fragments

    try:
        done = render_video(source, output, plan, limits, overlays)
        return "ok", index_fragments(output, done.height, done.width).as_json()
    except TransformationError as error:
        return "error", (error.status, error.code, error.message)
