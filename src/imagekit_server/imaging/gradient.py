"""`e-gradient`: a linear gradient composited over the image (docs/reference/transformations.md
§6.14)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pyvips

from imagekit_server.imaging.bands import as_colour_image, with_alpha
from imagekit_server.imaging.plan import Gradient


def gradient_image(width: int, height: int, gradient: Gradient, stop: float) -> Any:
    """RGBA ramp from `start` at the start edge to `end` at the stop point, flat after it.

    ``stop`` <= 1 is a fraction of the ramp length, > 1 a distance in pixels.
    """
    radians = math.radians(gradient.angle)
    dx, dy = math.sin(radians), -math.cos(radians)
    projections = [cx * dx + cy * dy for cx in (0, width) for cy in (0, height)]
    start, length = min(projections), max(projections) - min(projections)
    stop_length = max(stop * length if stop <= 1 else stop, 1e-6)
    coordinates = pyvips.Image.xyz(width, height) + 0.5
    position = (coordinates[0] * dx + coordinates[1] * dy - start) / stop_length
    position = (position > 1).ifthenelse(1, position)
    position = (position < 0).ifthenelse(0, position)
    first, last = gradient.start.rgba, gradient.end.rgba
    difference = [b - a for a, b in zip(first, last, strict=True)]
    ramp = position * difference + first
    return ramp.cast("uchar").copy(interpretation="srgb")


def apply_gradient(image: Any, gradient: Gradient, variables: Mapping[str, float]) -> Any:
    stop = gradient.stop.evaluate(variables, "e-gradient")
    overlay = gradient_image(image.width, image.height, gradient, stop)
    base = as_colour_image(image)
    had_alpha = base.hasalpha()
    result = with_alpha(base).composite2(overlay, "over").cast("uchar")
    return result if had_alpha else result.extract_band(0, n=3)
