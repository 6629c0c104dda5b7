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
from imagekit_server.video.frames import frame_at
from imagekit_server.video.outputs import Outcome, RenderLimits, Slot, out_of_memory
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
        return _failed(error)
    except MemoryError:
        return _failed(out_of_memory())
    seconds = done["duration"]
    done["bit_rate"] = round(os.path.getsize(output) * 8 / seconds) if seconds > 0 else 0
    return "ok", done


def thumbnail_job(source: str, plan: VideoPlan, max_seconds: float) -> Outcome:
    """The frame shown at ``so-`` (the last one when past the end) as a JPEG, upright, decoded
    exactly and with as little work as that allows (``frames.frame_at``)."""
    try:
        return "ok", _thumbnail(source, plan, time.monotonic() + max_seconds)
    except TransformationError as error:
        return _failed(error)
    except MemoryError:  # also FFmpeg's ENOMEM: the process's cap (pool.py)
        return _failed(out_of_memory())
    except (av.FFmpegError, ValueError, OSError) as error:
        return "error", (500, "UNIDENTIFIED", f"the video frame could not be decoded: {error}")


def _thumbnail(source: str, plan: VideoPlan, deadline: float) -> bytes:
    from PIL import Image

    with av.open(source, metadata_errors="ignore") as inp:
        if not inp.streams.video:
            raise TransformationError(400, "EINVALIDTRANSFORMATION", "the file holds no video")
        duration = float(inp.duration / av.time_base) if inp.duration else 0.0
        chosen = frame_at(inp, plan.start_seconds(duration), deadline)
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
        return _failed(error)
    except MemoryError:
        return _failed(out_of_memory())


def _failed(error: TransformationError) -> Outcome:
    return "error", (error.status, error.code, error.message)
