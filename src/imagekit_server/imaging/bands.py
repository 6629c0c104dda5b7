"""Band bookkeeping shared by steps: colour images, alpha bands, colours per band."""

from __future__ import annotations

from typing import Any

from imagekit_server.imaging.colours import Colour


def as_colour_image(image: Any) -> Any:
    """Promote grey (with or without alpha) to sRGB so colours can be drawn on it."""
    if image.bands >= 3:
        return image
    return image.colourspace("srgb")


def with_alpha(image: Any) -> Any:
    if image.hasalpha():
        return image
    return image.bandjoin(255)


def without_alpha(image: Any) -> Any:
    return image.extract_band(0, n=image.bands - 1) if image.hasalpha() else image


def alpha_of(image: Any) -> Any:
    return image[image.bands - 1]


def fill_for(image: Any, colour: Colour) -> list[float]:
    """``colour`` as a background vector matching the bands of ``image``."""
    values = colour.rgba if image.bands == 4 else colour.rgb
    if image.bands == 2:
        return [float(round(sum(colour.rgb) / 3)), float(colour.alpha)]
    if image.bands == 1:
        return [float(round(sum(colour.rgb) / 3))]
    return values


def prepare_for_colour(image: Any, colour: Colour) -> Any:
    """sRGB, and with alpha when the colour is (semi-)transparent."""
    image = as_colour_image(image)
    if colour.alpha < 255:
        image = with_alpha(image)
    return image
