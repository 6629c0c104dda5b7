"""A 64-bit DCT perceptual hash: similar-looking images get hashes a few bits apart.

The image is flattened, reduced to 32x32 grey levels, transformed with a 2-D DCT-II, and the
8x8 lowest frequencies are compared with their median (taken without the DC term, which only
says how bright the image is). Each coefficient above the median sets one bit.
"""

from __future__ import annotations

import math
import statistics
from functools import lru_cache
from pathlib import Path

import pyvips

from imagekit_server.inspection.errors import InspectionError
from imagekit_server.inspection.sniffing import SVG, sniff_path
from imagekit_server.libvips.errors import is_server_fault

_SAMPLE_SIZE = 32
_LOW_FREQUENCIES = 8

# Plain Python, not numpy: only the 8x8 lowest frequencies of a 32x32 DCT are needed (about
# 10,000 multiplications, ~2 ms), and a serving process then never imports numpy (~14 MB).
Matrix = tuple[tuple[float, ...], ...]


def phash(path: Path, *, max_pixels: int | None = None) -> str:
    """The perceptual hash of the image at ``path`` as 16 lower-case hex characters.

    Raises ``InspectionError`` if ``path`` is not a decodable image, or when its header
    declares more than ``max_pixels`` (checked before decoding: the fuzz found a 336-byte PNG
    declaring 16,776,972 x 9 pixels that took 45 s to hash).
    """
    try:
        image_format = sniff_path(path)[0]
        if image_format is None:
            raise InspectionError("The file is not an image.")
        if image_format is SVG:  # never rendered outside the killable child (svg.py)
            raise InspectionError("An SVG has no perceptual hash here.")
        # A source (not a file name) keeps libvips from parsing "[...]" in the name as options.
        if max_pixels is not None:
            header = pyvips.Image.new_from_source(pyvips.Source.new_from_file(str(path)), "")
            if header.width * header.height > max_pixels:
                raise InspectionError("The image is too large to hash.")
        source = pyvips.Source.new_from_file(str(path))
        thumbnail = pyvips.Image.thumbnail_source(
            source, _SAMPLE_SIZE, height=_SAMPLE_SIZE, size="force"
        )
        return phash_of_image(thumbnail)
    except (pyvips.Error, UnicodeDecodeError) as error:
        # pyvips decodes libvips' error text as UTF-8; libheif's may hold raw bytes (fuzz).
        if isinstance(error, pyvips.Error) and is_server_fault(error):  # libvips/errors.py
            raise
        raise InspectionError("The image is corrupt and cannot be hashed.") from error


def phash_of_image(image: pyvips.Image) -> str:
    """The perceptual hash of an already opened image (any size, bands or interpretation)."""
    if image.width != _SAMPLE_SIZE or image.height != _SAMPLE_SIZE:
        image = image.thumbnail_image(_SAMPLE_SIZE, height=_SAMPLE_SIZE, size="force")
    grey = _to_grey(image).write_to_memory()
    rows = [grey[y * _SAMPLE_SIZE : (y + 1) * _SAMPLE_SIZE] for y in range(_SAMPLE_SIZE)]
    basis = _dct_basis(_SAMPLE_SIZE)[:_LOW_FREQUENCIES]
    # (B S) then (B S) B^T, keeping only the low rows of B: the 8x8 top-left of B S B^T.
    vertical = [
        [math.fsum(b[y] * rows[y][x] for y in range(_SAMPLE_SIZE)) for x in range(_SAMPLE_SIZE)]
        for b in basis
    ]
    # Rounding away floating-point noise keeps flat images (all AC terms ~0) stable.
    low = [
        round(math.fsum(v[x] * b[x] for x in range(_SAMPLE_SIZE)), 6)
        for v in vertical
        for b in basis
    ]
    median = statistics.median(low[1:])
    bits = 0
    for coefficient in low:
        bits = (bits << 1) | int(coefficient > median)
    return f"{bits:016x}"


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two hashes from ``phash`` (0 = identical, 64 = opposite)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _to_grey(image: pyvips.Image) -> pyvips.Image:
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    grey = image.colourspace("b-w")
    if grey.bands > 1:
        grey = grey.extract_band(0)
    return grey.cast("uchar")


@lru_cache(maxsize=1)
def _dct_basis(size: int) -> Matrix:
    """Orthonormal DCT-II matrix: row k samples cos(pi * (2n + 1) * k / (2 * size))."""
    first = (math.sqrt(1.0 / size),) * size
    scale = math.sqrt(2.0 / size)
    rest = (
        tuple(math.cos(math.pi * (2 * n + 1) * k / (2 * size)) * scale for n in range(size))
        for k in range(1, size)
    )
    return (first, *rest)
