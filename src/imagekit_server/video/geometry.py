"""Size arithmetic of video steps -> FFmpeg filter descriptions (pure, no decoding).

Every output side is even: H.264/VP9 in 4:2:0 need it, and browsers play nothing else.
"""

from __future__ import annotations

import math

from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.errors import limit_exceeded, processing_failed
from imagekit_server.video.conditions import holds
from imagekit_server.video.plan import Geometry

Filter = tuple[str, str]  # (name, arguments) for av.filter.Graph.add
# (OVERLAY, "index:width:height"): the index-th overlay slot (outputs.Slot) goes over frames of
# that size.
OVERLAY = "ik-overlay"


def _even(value: float) -> int:
    """The nearest even size, halves up (161 -> 162, 81 -> 82), at least 2; the epsilon
    absorbs float error (161 * (81 / 161) is 80.999...)."""
    return max(2, math.floor(value / 2 + 0.5 + 1e-9) * 2)


def _hex(colour: Colour) -> str:
    return f"0x{colour.red:02x}{colour.green:02x}{colour.blue:02x}"


def orientation_filters(rotation: int) -> list[Filter]:
    """Turn stored frames upright, as players do with the display matrix (clockwise degrees)."""
    return {
        90: [("transpose", "clock")],
        180: [("hflip", ""), ("vflip", "")],
        270: [("transpose", "cclock")],
    }.get(rotation, [])


def step_filters(step: Geometry, width: int, height: int) -> tuple[list[Filter], int, int]:
    """The filters of one chain step on a ``width`` x ``height`` input, and its output size."""
    if step.branch is not None:
        raise processing_failed("an if- block was not decided before rendering")
    filters: list[Filter] = []
    target = _target_size(step, width, height)
    if target is not None:
        resize, width, height = _resize(step, width, height, *target)
        filters += resize
    if step.rotation:
        filters += orientation_filters(step.rotation)
        if step.rotation in (90, 270):
            width, height = height, width
    if step.border is not None:
        size, colour = step.border
        width, height = width + 2 * size, height + 2 * size
        filters.append(("pad", f"{width}:{height}:{size}:{size}:color={_hex(colour)}"))
    return filters, width, height


def _target_size(
    step: Geometry, width: int, height: int
) -> tuple[float | None, float | None] | None:
    w = step.width * width if step.width is not None and step.width < 1 else step.width
    h = step.height * height if step.height is not None and step.height < 1 else step.height
    if step.aspect is not None:
        ratio = step.aspect[0] / step.aspect[1]
        if w is not None and h is None:
            h = w / ratio
        elif h is not None and w is None:
            w = h * ratio
        elif w is None and h is None:
            w, h = float(width), width / ratio
    if w is None and h is None:
        return None
    return w, h


def _resize(
    step: Geometry, width: int, height: int, w: float | None, h: float | None
) -> tuple[list[Filter], int, int]:
    if w is None or h is None:  # one side given: keep the ratio
        scale = (w / width) if w is not None else (h or height) / height
        out_w, out_h = _even(width * scale), _even(height * scale)
        return [("scale", f"{out_w}:{out_h}")], out_w, out_h
    box_w, box_h = _even(w), _even(h)
    fit = min(box_w / width, box_h / height)
    cover = max(box_w / width, box_h / height)
    if step.crop_mode == "extract":
        crop_w, crop_h = min(box_w, _even(width - 1)), min(box_h, _even(height - 1))
        x, y = (width - crop_w) // 2, (height - crop_h) // 2
        return [("crop", f"{crop_w}:{crop_h}:{x}:{y}")], crop_w, crop_h
    if step.crop_mode == "pad_resize":
        inner_w, inner_h = _even(width * fit), _even(height * fit)
        x, y = (box_w - inner_w) // 2, (box_h - inner_h) // 2
        colour = _hex(step.background)
        return (
            [("scale", f"{inner_w}:{inner_h}"), ("pad", f"{box_w}:{box_h}:{x}:{y}:color={colour}")],
            box_w,
            box_h,
        )
    if step.crop == "force":
        return [("scale", f"{box_w}:{box_h}")], box_w, box_h
    if step.crop == "at_max":
        scale = min(fit, 1.0)
        out_w, out_h = _even(width * scale), _even(height * scale)
        return [("scale", f"{out_w}:{out_h}")], out_w, out_h
    if step.crop == "at_least":
        scale = max(cover, 1.0) if cover < 1 else cover
        out_w, out_h = _even(width * scale), _even(height * scale)
        return [("scale", f"{out_w}:{out_h}")], out_w, out_h
    # maintain_ratio with both sides: fill the box, cut the overflow evenly (centre).
    scaled_w, scaled_h = max(box_w, _even(width * cover)), max(box_h, _even(height * cover))
    x, y = (scaled_w - box_w) // 2, (scaled_h - box_h) // 2
    return (
        [("scale", f"{scaled_w}:{scaled_h}"), ("crop", f"{box_w}:{box_h}:{x}:{y}")],
        box_w,
        box_h,
    )


def chain_filters(
    steps: tuple[Geometry, ...], width: int, height: int, rotation: int, max_side: int
) -> tuple[list[Filter], int, int]:
    """Auto-orientation, every step, and a final even size; raises ELIMIT past ``max_side``."""
    filters = orientation_filters(rotation)
    if rotation in (90, 270):
        width, height = height, width
    overlays = 0
    for step in steps:
        more, width, height = step_filters(step, width, height)
        filters += more
        if max(width, height) > max_side:
            raise limit_exceeded(
                f"the output video would be {width}x{height}; the limit is {max_side} per side"
            )
        # Corners (radius) and layers are pictures the parent draws at this size (overlays.py).
        for _picture in range(pictures_of(step)):
            filters.append((OVERLAY, f"{overlays}:{width}:{height}"))
            overlays += 1
    if width % 2 or height % 2:
        width, height = _even(width), _even(height)
        filters.append(("scale", f"{width}:{height}"))
    return filters, width, height


def pictures_of(step: Geometry) -> int:
    """How many overlay pictures a step has: its rounded corners, then its layers."""
    return (step.radius is not None) + len(step.layers)


def step_sizes(steps: tuple[Geometry, ...], width: int, height: int) -> list[tuple[int, int]]:
    """The frame size after each step, from the upright source size."""
    sizes = []
    for step in steps:
        _, width, height = step_filters(step, width, height)
        sizes.append((width, height))
    return sizes


def resolved_steps(
    steps: tuple[Geometry, ...], width: int, height: int, duration: float
) -> tuple[Geometry, ...]:
    """``steps`` with every ``if-`` block replaced by the branch its condition picks, given
    the upright source size and duration (conditions.py names the properties)."""
    original = {"iw": width, "ih": height, "iar": width / height, "idu": duration}
    chosen: list[Geometry] = []
    _resolve(steps, (width, height), original, chosen)
    return tuple(chosen)


def _resolve(
    steps: tuple[Geometry, ...],
    size: tuple[int, int],
    original: dict[str, float],
    chosen: list[Geometry],
) -> tuple[int, int]:
    width, height = size
    for step in steps:
        if step.branch is None:
            chosen.append(step)
            _, width, height = step_filters(step, width, height)
            continue
        current = {"w": width, "h": height, "ar": width / height}
        branch = step.branch
        taken = (
            branch.then_steps
            if holds(branch.condition, {**original, **current})
            else (branch.else_steps)
        )
        width, height = _resolve(taken, (width, height), original, chosen)
    return width, height
