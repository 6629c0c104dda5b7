"""Animated GIF / WebP sources: run the chain on every frame and keep the animation.

libvips holds an animation as one tall image of frames stacked vertically (`page-height`);
each frame goes through the chain on its own, so crops, layers and effects act per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyvips

from imagekit_server.imaging.loading import to_srgb


def load_frames(data: bytes) -> tuple[list[Any], dict[str, Any]]:
    """Every frame (in memory) and the timing metadata to put back on the result."""
    stacked = pyvips.Image.new_from_buffer(data, "", n=-1)
    page_height = int(stacked.get("page-height")) if stacked.get_typeof("page-height") else 0
    if page_height <= 0 or stacked.height % page_height:
        page_height = stacked.height
    count = stacked.height // page_height
    timing = {
        name: stacked.get(name) for name in ("delay", "loop") if stacked.get_typeof(name) != 0
    }
    whole = to_srgb(stacked).copy_memory()
    frames = [whole.crop(0, i * page_height, whole.width, page_height) for i in range(count)]
    return frames, timing


def transform_frames(frames: list[Any], transform: Callable[[Any], Any]) -> list[Any]:
    """Apply ``transform`` per frame; frames that came out another size are fitted to the first."""
    results = [transform(frame) for frame in frames]
    first = results[0]
    fitted = [first]
    for frame in results[1:]:
        if (frame.width, frame.height) != (first.width, first.height):
            frame = frame.thumbnail_image(first.width, height=first.height, size="force")
        if frame.bands != first.bands:
            frame = frame.bandjoin(255) if frame.bands < first.bands else frame[: first.bands]
        fitted.append(frame)
    return fitted


def join_frames(frames: list[Any], timing: dict[str, Any]) -> Any:
    stacked = pyvips.Image.arrayjoin(frames, across=1).copy()
    stacked.set_type(pyvips.GValue.gint_type, "page-height", frames[0].height)
    delay = timing.get("delay")
    if isinstance(delay, list) and len(delay) >= len(frames):
        stacked.set_type(pyvips.GValue.array_int_type, "delay", list(delay[: len(frames)]))
    if "loop" in timing:
        stacked.set_type(pyvips.GValue.gint_type, "loop", int(timing["loop"]))
    return stacked
