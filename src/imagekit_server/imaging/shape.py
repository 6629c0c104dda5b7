"""Shape and frame: rounded corners (`r`), border (`b`), opacity (`o`) and flattening (`bg`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyvips

from imagekit_server.imaging.bands import (
    alpha_of,
    as_colour_image,
    fill_for,
    prepare_for_colour,
    with_alpha,
    without_alpha,
)
from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.expressions import round_half_up
from imagekit_server.imaging.limits import Limits
from imagekit_server.imaging.plan import Border, Radius


def _corner_radii(radius: float | None, width: int, height: int) -> tuple[float, float]:
    if radius is None:  # `max`: an ellipse through the side midpoints
        return width / 2, height / 2
    clamped = min(radius, width / 2, height / 2)
    return clamped, clamped


def rounded_mask(width: int, height: int, radius: Radius) -> Any:
    """An 8-bit mask, 255 inside the rounded rectangle, anti-aliased along the curves."""
    coordinates = pyvips.Image.xyz(width, height) + 0.5
    x, y = coordinates[0], coordinates[1]
    mask = pyvips.Image.black(width, height) + 255
    corners = zip(
        radius.corners, ("top_left", "top_right", "bottom_right", "bottom_left"), strict=True
    )
    for value, corner in corners:
        rx, ry = _corner_radii(value, width, height)
        if rx <= 0 or ry <= 0:
            continue
        cx = rx if "left" in corner else width - rx
        cy = ry if "top" in corner else height - ry
        inside_x = (x < cx) if "left" in corner else (x > cx)
        inside_y = (y < cy) if "top" in corner else (y > cy)
        distance = (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2) ** 0.5
        coverage = (1 - distance) * min(rx, ry) + 0.5
        coverage = (coverage < 0).ifthenelse(0, (coverage > 1).ifthenelse(1, coverage)) * 255
        mask = (inside_x & inside_y).ifthenelse(coverage, mask)
    return mask.cast("uchar")


def round_corners(image: Any, radius: Radius) -> Any:
    image = with_alpha(image)
    mask = rounded_mask(image.width, image.height, radius)
    alpha = (alpha_of(image) * mask / 255).cast("uchar")
    return without_alpha(image).bandjoin(alpha)


def add_border(image: Any, border: Border, variables: Mapping[str, float], limits: Limits) -> Any:
    """Border drawn outside the image: the output grows by twice the width on each axis."""
    width = round_half_up(border.width.evaluate(variables, "b"))
    if width <= 0:
        return image
    limits.check_output_size(image.width + 2 * width, image.height + 2 * width)
    image = prepare_for_colour(image, border.colour)
    return image.embed(
        width,
        width,
        image.width + 2 * width,
        image.height + 2 * width,
        extend="background",
        background=fill_for(image, border.colour),
    )


def opacity_and_flatten(image: Any, opacity: float | None, background: Colour | None) -> Any:
    """`o` scales alpha; a `bg` colour then flattens transparency into an opaque image."""
    if opacity is not None and opacity < 100:
        image = with_alpha(image)
        alpha = (alpha_of(image) * (opacity / 100)).cast("uchar")
        image = without_alpha(image).bandjoin(alpha)
    if background is not None and image.hasalpha():
        image = as_colour_image(image)
        image = image.flatten(background=background.rgb).cast("uchar")
    return image
