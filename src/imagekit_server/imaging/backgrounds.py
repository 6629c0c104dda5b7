"""Padding backgrounds for pad modes: colour, transparent, dominant, blurred, gradient (§6.2)."""

from __future__ import annotations

from typing import Any

import pyvips

from imagekit_server.imaging.bands import (
    as_colour_image,
    fill_for,
    prepare_for_colour,
    with_alpha,
    without_alpha,
)
from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.geometry import Pad
from imagekit_server.imaging.palette import most_frequent_colour
from imagekit_server.imaging.plan import Background

_BLACK = Colour(0, 0, 0)
_TRANSPARENT = Colour(0, 0, 0, 0)


def padded(image: Any, source: Any, operation: Pad, background: Background | None) -> Any:
    """Place ``image`` on a ``operation`` canvas; ``source`` is the step input (for `blurred`)."""
    if background is None:
        return _embed(image, operation, _TRANSPARENT if image.hasalpha() else _BLACK)
    if background.kind == "colour" and background.colour is not None:
        return _embed(image, operation, background.colour)
    if background.kind == "dominant":
        return _embed(image, operation, edge_colour(image, "all"))
    if background.kind == "blurred":
        canvas = _blurred_canvas(source, operation, background)
    else:
        canvas = _dominant_gradient(image, operation, background.corners)
    return _place(canvas, image, operation)


def _embed(image: Any, operation: Pad, colour: Colour) -> Any:
    image = prepare_for_colour(image, colour)
    return image.embed(
        operation.left,
        operation.top,
        operation.width,
        operation.height,
        extend="background",
        background=fill_for(image, colour),
    )


def _place(canvas: Any, image: Any, operation: Pad) -> Any:
    image = as_colour_image(image)
    if image.hasalpha():
        return canvas.composite2(image, "over", x=operation.left, y=operation.top).cast("uchar")
    return canvas.insert(image, operation.left, operation.top)


def _blurred_canvas(source: Any, operation: Pad, background: Background) -> Any:
    canvas = as_colour_image(without_alpha(source)).thumbnail_image(
        operation.width, height=operation.height, crop="centre", size="force"
    )
    sigma = (
        background.blur / 2
        if background.blur is not None
        else max(operation.width, operation.height) / 40
    )
    if sigma > 0:
        canvas = canvas.gaussblur(sigma)
    if background.brightness:
        canvas = canvas.linear(1, background.brightness)
    return canvas.cast("uchar")


def edge_colour(image: Any, side: str) -> Colour:
    """Most frequent colour (5 bits per channel) in a 2-px strip along one side or all sides."""
    colour = as_colour_image(without_alpha(image))
    width, height = colour.width, colour.height
    strips = {
        "left": (0, 0, min(2, width), height),
        "right": (max(0, width - 2), 0, min(2, width), height),
        "top": (0, 0, width, min(2, height)),
        "bottom": (0, max(0, height - 2), width, min(2, height)),
    }
    selected = list(strips.values()) if side == "all" else [strips[side]]
    return most_frequent_colour([colour.crop(*box) for box in selected])


def _dominant_gradient(image: Any, operation: Pad, corners: int) -> Any:
    width, height = operation.width, operation.height
    coordinates = pyvips.Image.xyz(width, height)
    u = coordinates[0] / max(width - 1, 1)
    v = coordinates[1] / max(height - 1, 1)
    if corners == 4:
        top_left, top_right = edge_colour(image, "top").rgb, edge_colour(image, "right").rgb
        bottom_left, bottom_right = edge_colour(image, "left").rgb, edge_colour(image, "bottom").rgb
        top = _mix(u, top_left, top_right)
        bottom = _mix(u, bottom_left, bottom_right)
        canvas = top * (1 - v) + bottom * v
    elif operation.width - image.width >= operation.height - image.height:
        canvas = _mix(u, edge_colour(image, "left").rgb, edge_colour(image, "right").rgb)
    else:
        canvas = _mix(v, edge_colour(image, "top").rgb, edge_colour(image, "bottom").rgb)
    canvas = canvas.cast("uchar").copy(interpretation="srgb")
    return with_alpha(canvas) if image.hasalpha() else canvas


def _mix(weight: Any, start: list[float], end: list[float]) -> Any:
    difference = [e - s for s, e in zip(start, end, strict=True)]
    return (weight * difference + start).copy(interpretation="srgb")
