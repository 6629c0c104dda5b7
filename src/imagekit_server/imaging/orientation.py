"""Rotation and flips (`rt`, `fl`, docs/reference/transformations.md §6.5-6.6)."""

from __future__ import annotations

from typing import Any

from imagekit_server.imaging.bands import as_colour_image, fill_for, prepare_for_colour, with_alpha
from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.limits import Limits

_RIGHT_ANGLES = {90.0: "d90", 180.0: "d180", 270.0: "d270"}


def rotate(image: Any, degrees: float, background: Colour | None, limits: Limits) -> Any:
    """Clockwise rotation; free angles grow the canvas and fill corners (transparent default)."""
    if degrees == 0:
        return image
    if degrees in _RIGHT_ANGLES:
        return image.rot(_RIGHT_ANGLES[degrees])
    if background is not None:
        image = prepare_for_colour(image, background)
        fill = fill_for(image, background)
    else:
        image = with_alpha(as_colour_image(image))
        fill = [0.0, 0.0, 0.0, 0.0]
    rotated = image.rotate(degrees, background=fill)
    limits.check_output_size(rotated.width, rotated.height)
    return rotated


def flip(image: Any, horizontal: bool, vertical: bool) -> Any:
    if horizontal:
        image = image.fliphor()
    if vertical:
        image = image.flipver()
    return image
