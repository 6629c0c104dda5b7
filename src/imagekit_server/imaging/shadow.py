"""`e-shadow`: a soft shadow under the non-transparent pixels (docs/reference/transformations.md
§6.13), and
`e-dropshadow`: a shadow cast by a light source (docs/extensions.md)."""

from __future__ import annotations

import math
from typing import Any

from imagekit_server.imaging.bands import alpha_of, as_colour_image
from imagekit_server.imaging.expressions import round_half_up
from imagekit_server.imaging.plan import AiShadow, Shadow


def drop_shadow(image: Any, shadow: Shadow) -> Any:
    """Canvas size is unchanged; an opaque image hides its shadow entirely."""
    if not image.hasalpha():
        return image
    image = as_colour_image(image)
    alpha = alpha_of(image)
    softened = alpha.gaussblur(max(shadow.blur, 0.1)) if shadow.blur > 0 else alpha
    shade = (softened * (shadow.saturation / 100)).cast("uchar")
    offset_x = round_half_up(image.width * shadow.offset_x / 100)
    offset_y = round_half_up(image.height * shadow.offset_y / 100)
    shade = shade.embed(offset_x, offset_y, image.width, image.height)
    black = (shade * 0).cast("uchar")
    layer = black.bandjoin([black, black, shade]).copy(interpretation="srgb")
    return layer.composite2(image, "over").cast("uchar")


def cast_shadow(image: Any, light: AiShadow) -> Any:
    """The alpha mask, blurred and offset away from the light (lower light, longer and softer
    shadow), under the image; an opaque image hides it, as ImageKit's needs a cut-out."""
    if not image.hasalpha():
        return image
    length = min(image.width, image.height) * 0.15 * math.cos(math.radians(light.elevation))
    radians = math.radians(light.azimuth)
    offset = Shadow(
        blur=1.0 + length / 6,
        saturation=light.saturation,
        offset_x=-100 * length * math.sin(radians) / image.width,
        offset_y=100 * length * math.cos(radians) / image.height,
    )
    return drop_shadow(image, offset)
