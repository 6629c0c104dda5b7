"""Encode a finished image as JPEG with Pillow's libjpeg-turbo.

The mozjpeg inside the pyvips binary wheel encodes a 400 x 250 photo in about 1.0 ms where
Pillow's libjpeg-turbo takes 0.4 ms plus 0.2 ms to hand it the pixels (same quantisation
tables, the same quality). That is several per cent of a whole thumbnail render, so plain
outputs go through Pillow; anything with metadata to keep, an unusual pixel format or a size
that would have to be held in memory at once stays with libvips, which streams.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from PIL import Image

# Largest output handed over in memory (3 bytes per pixel); bigger ones are streamed by
# libvips' encoder.
MAX_PIXELS = 4_000_000

_MODES = {(3, "srgb"): "RGB", (1, "b-w"): "L"}

# mozjpeg's quantisation table 3 (N. Robidoux's, ImageMagick's default; libvips' `quant_table=3`),
# used for luminance and chrominance alike, in natural order. At the same SSIMULACRA2 it needs
# 2-10 % fewer bytes than the JPEG standard's Annex K tables (docs/encoding.md).
QUANT_TABLE = 3
_ROBIDOUX = (
    16, 16, 16, 18, 25, 37, 56, 85,
    16, 17, 20, 27, 34, 40, 53, 75,
    16, 20, 24, 31, 43, 62, 91, 135,
    18, 27, 31, 40, 53, 74, 106, 156,
    25, 34, 43, 53, 69, 94, 131, 189,
    37, 40, 62, 74, 94, 124, 169, 238,
    56, 53, 91, 106, 131, 169, 226, 311,
    85, 75, 135, 156, 189, 238, 311, 418,
)  # fmt: skip


@functools.cache
def quant_tables(quality: int) -> list[list[int]]:
    """The table scaled for ``quality`` as libjpeg's ``jpeg_set_quality`` scales it (baseline:
    entries clamped to 1..255), so Pillow writes exactly what libvips' encoder writes."""
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    table = [min(255, max(1, (entry * scale + 50) // 100)) for entry in _ROBIDOUX]
    return [table, table]


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
        qtables=quant_tables(max(1, min(quality, 100)))[: 1 if mode == "L" else 2],
        progressive=progressive,
        optimize=optimize,
        subsampling=2 if subsample and quality < 90 else 0,
    )
    return output.getvalue()
