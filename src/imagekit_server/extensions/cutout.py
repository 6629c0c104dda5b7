"""Finish a background removal whose provider gives an alpha mask (built-in, ONNX): apply the
``remove-bg`` options (shadow, background colour or image) and encode the result.

remove.bg applies the same options itself, so its results skip this module.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyvips

from imagekit_server.extensions.pixels import to_srgb8
from imagekit_server.extensions.providers import BackgroundOptions, Cutout, ProviderError
from imagekit_server.fetch import FetchError, fetch_to_file
from imagekit_server.imaging.colours import parse_colour
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.settings import Settings

PNG_COMPRESSION = 3  # fast: the result is stored once and delivered through the cache


def with_alpha(image: Any, mask: Any) -> Any:
    """``image`` (sRGB) with ``mask`` (one uchar band, same size) as its alpha."""
    colour = image.extract_band(0, n=3) if image.bands >= 3 else image
    return colour.bandjoin(mask).copy(interpretation="srgb")


def finish(cutout: Any, options: BackgroundOptions, settings: Settings) -> Cutout:
    """Shadow first (it lies on the new background), then the background, then PNG."""
    if options.add_shadow:
        cutout = add_shadow(cutout)
    if options.bg_color:
        cutout = cutout.flatten(background=_colour(options.bg_color))
    elif options.bg_image_url:
        cutout = _over_image(cutout, options.bg_image_url, settings)
    data: bytes = cutout.pngsave_buffer(compression=PNG_COMPRESSION, strip=True)
    return Cutout(data, "png")


def add_shadow(cutout: Any) -> Any:
    """A soft contact shadow: the mask blurred, darkened to half and dropped a little."""
    alpha = cutout[3]
    blur = max(1.0, min(cutout.width, cutout.height) / 60)
    shade = (alpha.gaussblur(blur) * 0.5).cast("uchar")
    shade = shade.embed(0, round(cutout.height / 80), cutout.width, cutout.height)
    black = (shade * 0).cast("uchar")
    layer = black.bandjoin([black, black, shade]).copy(interpretation="srgb")
    return layer.composite2(cutout, "over").cast("uchar")


def _colour(text: str) -> list[float]:
    try:
        return parse_colour(text.removeprefix("#"), "bg_color").rgb
    except TransformationError as error:
        raise ProviderError(f"bg_color {text!r} is not a colour") from error


def _over_image(cutout: Any, url: str, settings: Settings) -> Any:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "background"
        try:
            fetch_to_file(
                url,
                path,
                allowlist=settings.fetch_allowlist,
                max_bytes=settings.max_upload_bytes,
                timeout=settings.fetch_timeout_seconds,
            )
            background = pyvips.Image.thumbnail(
                str(path), cutout.width, height=cutout.height, crop="centre", size="force"
            )
            background = to_srgb8(background)
            if background.hasalpha():
                background = background.flatten(background=[255, 255, 255])
            return background.composite2(cutout, "over").flatten().cast("uchar")
        except FetchError as error:
            raise ProviderError(f"bg_image_url could not be fetched: {error}") from error
        except pyvips.Error as error:
            raise ProviderError("bg_image_url is not an image this server can decode") from error
