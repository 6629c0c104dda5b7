"""Encode a finished image as JPEG with Pillow's libjpeg-turbo.

The mozjpeg inside the pyvips binary wheel encodes a 400 x 250 photo in about 1.0 ms where
Pillow's libjpeg-turbo takes 0.4 ms plus 0.2 ms to hand it the pixels (same quantisation
tables, the same quality). That is several per cent of a whole thumbnail render, so plain
outputs go through Pillow; anything with metadata to keep, an unusual pixel format or a size
that would have to be held in memory at once stays with libvips, which streams.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

# Largest output handed over in memory (3 bytes per pixel); bigger ones are streamed by
# libvips' encoder.
MAX_PIXELS = 4_000_000

_MODES = {(3, "srgb"): "RGB", (1, "b-w"): "L"}


def encode_jpeg(
    image: Any, *, quality: int, progressive: bool, optimize: bool, subsample: bool
) -> bytes | None:
    """``image`` (pyvips, no alpha) as a JPEG without metadata, or None when libvips should
    encode it. ``subsample`` is libvips' "auto" mode: 4:2:0 below quality 90, else 4:4:4."""
    mode = _MODES.get((image.bands, image.interpretation))
    if mode is None or image.format != "uchar" or image.width * image.height > MAX_PIXELS:
        return None
    pixels = image.write_to_memory()
    picture = Image.frombuffer(mode, (image.width, image.height), pixels, "raw", mode, 0, 1)
    output = io.BytesIO()
    picture.save(
        output,
        "JPEG",
        quality=quality,
        progressive=progressive,
        optimize=optimize,
        subsampling=2 if subsample and quality < 90 else 0,
    )
    return output.getvalue()
