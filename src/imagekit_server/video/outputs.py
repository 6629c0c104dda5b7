"""What the server process and the render processes agree on (no FFmpeg import here: the
serving process never loads PyAV, numpy or the codecs; render processes do)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from imagekit_server.imaging.errors import TransformationError, limit_exceeded
from imagekit_server.video.layers import Placement, Timing
from imagekit_server.video.plan import VideoPlan

Outcome = tuple[str, Any]  # ("ok", data) or ("error", (status, code, message))


async def finished_within(work: Awaitable[Outcome], wait: float | None) -> bool:
    """Whether ``work`` (a render shared by every request for it) finished within ``wait``
    seconds; it goes on either way. A failed render raises its ``TransformationError``."""
    try:
        outcome = await asyncio.wait_for(asyncio.shield(work), timeout=wait)
    except asyncio.TimeoutError:
        return False
    if outcome[0] == "error":
        status, code, message = outcome[1]
        raise TransformationError(status, code, message)
    return True


@dataclass(frozen=True)
class LayerVideo:
    """An ``l-video`` layer as the render process needs it."""

    path: str  # the layer's video file on local disk
    plan: VideoPlan  # its own transformations (trim, size, ...)
    placement: Placement
    radius: float | None = None  # transparent rounded corners (-1: max)


@dataclass(frozen=True)
class Overlay:
    """One thing drawn over the frames: a picture (RGBA PNG) at ``x``/``y``, or a video."""

    picture: bytes = b""
    x: int = 0
    y: int = 0
    timing: Timing = field(default_factory=Timing)  # lso/leo/ldu, on the output
    cue: tuple[float, float] | None = None  # a subtitle cue's window in source seconds
    video: LayerVideo | None = None


# What one chain step's corner picture or one layer puts over the frames (a subtitle layer:
# one picture per cue).
Slot = tuple[Overlay, ...]


@dataclass(frozen=True)
class RenderLimits:
    max_output_side: int
    max_seconds: float
    max_duration: float
    # Adaptive streaming: fragmented MP4 cut at keyframes every this many seconds.
    segment_seconds: float | None = None


def output_container(plan: VideoPlan) -> str:
    """ "mp4" or "webm" (``f-`` after negotiation; vc-vp9 implies WebM)."""
    if plan.format == "webm" or (plan.format is None and plan.video_codec == "vp9"):
        return "webm"
    return "mp4"


OUT_OF_MEMORY = (
    "the render needed more memory than a render process may use "
    "(IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES)"
)


def out_of_memory() -> TransformationError:
    """A render past its process's memory cap (``IMAGEKIT_VIDEO_RENDER_MEMORY_BYTES``)."""
    return limit_exceeded(OUT_OF_MEMORY)
