"""What the server process and the render processes agree on (no FFmpeg import here: the
serving process never loads PyAV, numpy or the codecs; render processes do)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imagekit_server.imaging.errors import TransformationError, limit_exceeded
from imagekit_server.video.plan import VideoPlan

Outcome = tuple[str, Any]  # ("ok", data) or ("error", (status, code, message))
Overlay = tuple[bytes, "str | None"]  # an RGBA PNG of the frame's size, FFmpeg ``enable``


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
