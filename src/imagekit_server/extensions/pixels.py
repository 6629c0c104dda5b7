"""Decode stored images for providers: small sRGB copies as numpy arrays (shrink-on-load, so a
20 MP JPEG costs a fraction of a full decode) and full-size pyvips images."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvips

from imagekit_server.extensions.providers import ProviderError


def decode(image: bytes) -> Any:
    """The full image, upright (EXIF orientation applied), 8-bit sRGB with or without alpha."""
    try:
        loaded = pyvips.Image.new_from_buffer(image, "", fail_on="error").autorot()
    except pyvips.Error as error:
        raise ProviderError("the file is not an image this server can decode") from error
    return to_srgb8(loaded)


def thumbnail(image: bytes, longest: int) -> Any:
    """An upright sRGB copy whose longest side is at most ``longest``. JPEGs are decoded at
    the smallest DCT scale that keeps at least ``longest``, then resized linearly: an
    analysis copy needs no lanczos, and the scaled decode skips most of the work."""
    try:
        header = pyvips.Image.new_from_buffer(image, "")
        if header.get("vips-loader").startswith("jpeg"):
            side = max(header.width, header.height)
            shrink = next((s for s in (8, 4, 2) if side / s >= longest), 1)
            small = pyvips.Image.new_from_buffer(
                image, "", shrink=shrink, fail_on="error"
            ).autorot()
            scale = longest / max(small.width, small.height)
            small = small.resize(scale, kernel="linear") if scale < 1 else small
        else:
            small = pyvips.Image.thumbnail_buffer(
                image, longest, height=longest, size="down", option_string="fail_on=error"
            )
    except pyvips.Error as error:
        raise ProviderError("the file is not an image this server can decode") from error
    return to_srgb8(small)


def to_srgb8(image: Any) -> Any:
    if image.interpretation not in ("srgb", "b-w") or image.format != "uchar":
        image = image.colourspace("srgb")
    if image.bands in (1, 2):
        alpha = image[1] if image.bands == 2 else None
        grey = image[0]
        image = grey.bandjoin([grey, grey]) if alpha is None else grey.bandjoin([grey, grey, alpha])
    return image.cast("uchar") if image.format != "uchar" else image


def as_array(image: Any) -> np.ndarray:
    """Height x width x bands uint8. Decoding happens here (libvips is lazy): damaged image
    data is refused, not analysed as the grey a lenient decoder would fill in."""
    try:
        data = image.write_to_memory()
    except pyvips.Error as error:
        raise ProviderError("the image data is damaged") from error
    return np.frombuffer(data, dtype=np.uint8).reshape(image.height, image.width, image.bands)


def from_array(pixels: np.ndarray) -> Any:
    height, width = pixels.shape[:2]
    bands = 1 if pixels.ndim == 2 else pixels.shape[2]
    return pyvips.Image.new_from_memory(
        np.ascontiguousarray(pixels, dtype=np.uint8).tobytes(), width, height, bands, "uchar"
    )


def jpeg_copy(image: bytes, longest: int, quality: int = 85) -> bytes:
    """A JPEG copy no larger than ``longest`` px, for services with request size limits."""
    small = thumbnail(image, longest)
    if small.hasalpha():
        small = small.flatten(background=[255, 255, 255])
    data: bytes = small.jpegsave_buffer(Q=quality, strip=True)
    return data
