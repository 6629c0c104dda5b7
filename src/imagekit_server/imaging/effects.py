"""Pixel effects: contrast, grayscale, sharpen, unsharp mask, blur, colorize, colour replace.

Calibrations (sigma per `bl`, sharpen strength, contrast clipping) are our proposals from
docs/reference/transformations.md §6; ImageKit does not publish its formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyvips

from imagekit_server.imaging.bands import alpha_of, as_colour_image, without_alpha
from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.palette import dominant_colour
from imagekit_server.imaging.plan import Colorize, ColourReplace, UnsharpMask

_LUMA_WEIGHTS = [0.2126, 0.7152, 0.0722]


def on_colour_bands(image: Any, operation: Callable[[Any], Any]) -> Any:
    """Apply ``operation`` to the colour bands only, keeping alpha untouched, back to 8 bits."""
    colour = without_alpha(image)
    result = operation(colour).cast("uchar")
    return result.bandjoin(alpha_of(image)) if image.hasalpha() else result


def _copy_interpretation(result: Any, like: Any) -> Any:
    return result.copy(interpretation=like.interpretation)


def contrast(image: Any) -> Any:
    """Stretch lightness so 1 % of pixels clip at each end (luminance only)."""

    def stretch(colour: Any) -> Any:
        if colour.bands < 3:
            return _stretch_band(colour)
        lab = colour.colourspace("lab")
        lightness = lab[0]
        histogram_source = (lightness * 2.55).cast("uchar")
        low, high = histogram_source.percent(1), histogram_source.percent(99)
        if high <= low:
            return colour
        scale = 255.0 / (high - low)
        stretched = (lightness * 2.55 - low) * scale / 2.55
        return _lab_with_l(lab, stretched)

    return on_colour_bands(image, stretch)


def _lab_with_l(lab: Any, lightness: Any) -> Any:
    clipped = (lightness < 0).ifthenelse(0, (lightness > 100).ifthenelse(100, lightness))
    return clipped.bandjoin(lab[1:3]).copy(interpretation="lab").colourspace("srgb")


def _stretch_band(band: Any) -> Any:
    low, high = band.percent(1), band.percent(99)
    if high <= low:
        return band
    return _copy_interpretation((band - low) * (255.0 / (high - low)), band)


def grayscale(image: Any) -> Any:
    return image.colourspace("b-w")


def sharpen(image: Any, amount: float) -> Any:
    sigma = 0.5 + amount / 20
    return on_colour_bands(
        image, lambda colour: _copy_interpretation(colour.sharpen(sigma=sigma), colour)
    )


def unsharp_mask(image: Any, options: UnsharpMask) -> Any:
    """ImageMagick-style unsharp: add `amount` x detail where detail exceeds the threshold."""

    def apply(colour: Any) -> Any:
        blurred = colour.gaussblur(options.sigma)
        detail = colour.cast("float") - blurred
        strong = detail.abs() > options.threshold * 255
        sharpened = colour + detail * options.amount
        return _clip(strong.ifthenelse(sharpened, colour))

    return on_colour_bands(image, apply)


def blur(image: Any, strength: float) -> Any:
    if strength <= 0:
        return image
    sigma = strength / 2
    if image.hasalpha():
        return image.premultiply().gaussblur(sigma).unpremultiply().cast("uchar")
    return image.gaussblur(sigma)


def _clip(image: Any) -> Any:
    return (image < 0).ifthenelse(0, (image > 255).ifthenelse(255, image))


def _luma(colour: Any) -> Any:
    if colour.bands < 3:
        return colour.cast("float")
    weighted = colour.cast("float") * _LUMA_WEIGHTS
    return weighted[0] + weighted[1] + weighted[2]


def colorize(image: Any, options: Colorize) -> Any:
    """Blend towards the luminance tinted by the colour: (1-k)*img + k*luma*colour/255."""
    strength = options.intensity / 100

    def tint(colour: Any) -> Any:
        colour = as_colour_image(colour)
        tinted = _luma(colour) * [c / 255 for c in options.colour.rgb]
        return _clip(colour * (1 - strength) + tinted * strength)

    return on_colour_bands(as_colour_image(image), tint)


def replace_colour(image: Any, options: ColourReplace) -> Any:
    """Shift pixels close to `source` (CIE76 in LAB) towards `target`, with a soft edge."""
    source = options.source or dominant_colour(image)
    source_lab = _lab_of(source)
    target_lab = _lab_of(options.target)
    radius = max(options.tolerance, 0.5)  # tolerance 0-100 as a LAB distance

    def apply(colour: Any) -> Any:
        lab = as_colour_image(colour).colourspace("lab")
        distance = ((lab - source_lab) ** 2).bandmean() * 3
        weight = 1 - (distance**0.5 / radius)
        weight = (weight < 0).ifthenelse(0, weight)
        shift = [t - s for t, s in zip(target_lab, source_lab, strict=True)]
        moved = lab + weight.bandjoin([weight, weight]) * shift
        return moved.copy(interpretation="lab").colourspace("srgb")

    return on_colour_bands(as_colour_image(image), apply)


def _lab_of(colour: Colour) -> list[float]:
    pixel = pyvips.Image.black(1, 1).new_from_image(colour.rgb).copy(interpretation="srgb")
    return [float(v) for v in pixel.cast("uchar").colourspace("lab")(0, 0)]
