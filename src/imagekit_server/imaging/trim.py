"""`t`: remove a near-uniform border (docs/reference/transformations.md §6.1)."""

from __future__ import annotations

from typing import Any

from imagekit_server.imaging.bands import without_alpha

# libvips' find_trim smooths with a 3x3 median first and fails on anything narrower (found by
# the render fuzz: `h-0.3:t-true` on a 10x4 image was a 500).
MIN_TRIM_SIDE = 3


def trim(image: Any, threshold: int) -> Any:
    """Crop away edges matching the top-left pixel; a fully uniform image is left unchanged."""
    if threshold <= 0 or min(image.width, image.height) < MIN_TRIM_SIDE:
        return image
    measured = image
    if image.hasalpha():
        # Judge transparent edges against the corner colour so they count as background.
        corner = image(0, 0)
        measured = image.flatten(background=corner[:-1])
    measured = without_alpha(measured)
    background = measured(0, 0)
    left, top, width, height = measured.find_trim(threshold=threshold, background=background)
    if width <= 0 or height <= 0:
        return image
    return image.crop(left, top, width, height)
