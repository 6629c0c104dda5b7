"""Decode a JPEG at a DCT scale with Pillow's libjpeg-turbo, for libvips to resize and encode.

The libjpeg inside the pyvips binary wheel (mozjpeg) decodes 20-25 % slower than the
libjpeg-turbo in Pillow's wheel (measured here on a 2.3 MP photo: 19-20 vs 15-16 ms at 1/4
scale; the same pixels). Decoding is most of a resize's cost, so the resize path decodes
JPEGs with Pillow when the decoded image is small enough to hold in memory, and hands the
pixels to libvips. Anything unusual (CMYK/YCCK, 12-bit, a truncated file Pillow refuses) is
left to libvips, which also keeps streaming decodes of large results.
"""

from __future__ import annotations

import io
from typing import Any

import pyvips
from PIL import Image, features

from imagekit_server.imaging.jpeg_scans import dc_only_stream

# Our own limits (``Limits.max_source_pixels``) are checked from the header before any
# decode, so Pillow's process-wide bomb check would only refuse what we already allowed.
Image.MAX_IMAGE_PIXELS = None

# Largest decoded size held in memory at once (3 bytes per pixel): bigger results are
# streamed by libvips instead.
MAX_DECODED_PIXELS = 4_000_000

_MODES = {"RGB": (3, "srgb"), "L": (1, "b-w")}
_ORIENTATION_TAG = 0x0112
_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)
# The scan pruning at 1/8 (jpeg_scans.py) follows libjpeg-turbo's choice of IDCT sizes; IJG's
# libjpeg 7+ chooses differently.
_PRUNE_SCANS = bool(features.check_feature("libjpeg_turbo"))


def jpeg_header(data: bytes) -> tuple[int, int, int] | None:
    """(width, height, EXIF orientation) of the JPEG in ``data``, as stored (not rotated);
    None if Pillow cannot read it. About 0.3 ms, where libvips' header takes 1.7 ms (it
    parses every EXIF field into image metadata)."""
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as picture:
            return picture.width, picture.height, _orientation(picture)
    except _ERRORS:
        return None


def decode_scaled(data: bytes, shrink: int) -> Any | None:
    """The JPEG in ``data`` decoded at 1/``shrink`` as a pyvips image with the metadata
    libvips' loader would attach (orientation, colour profile, EXIF, XMP, IPTC), or None when
    libvips should decode it (unusual modes, too big to hold, Pillow cannot read it)."""
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as picture:
            if picture.mode not in _MODES:
                return None
            # Pillow picks the smallest scale whose result is at least this size: the floor
            # asks for exactly 1/shrink (the ceiling would get the next scale up).
            scaled = (max(1, picture.width // shrink), max(1, picture.height // shrink))
            if scaled[0] * scaled[1] > MAX_DECODED_PIXELS:
                return None
            eighth = (-(-picture.width // 8), -(-picture.height // 8))
            picture.draft(picture.mode, scaled)
            if picture.size == eighth and _PRUNE_SCANS:
                pruned = _decode_pruned(data, picture, scaled)
                if pruned is not None:
                    return pruned
            picture.load()
            return _decoded(picture, picture)
    except _ERRORS:
        return None


def _decode_pruned(data: bytes, picture: Any, scaled: tuple[int, int]) -> Any | None:
    """The 1/8-scale decode of a progressive JPEG without the scans it does not read (the same
    pixels; jpeg_scans.py), or None where that does not apply."""
    pruned = dc_only_stream(data)
    if pruned is None:
        return None
    try:
        with Image.open(io.BytesIO(pruned), formats=("JPEG",)) as pixels:
            pixels.draft(picture.mode, scaled)
            if pixels.size != picture.size:
                return None
            pixels.load()
            return _decoded(pixels, picture)
    except _ERRORS:
        return None  # the original decode then says what is wrong with the file


def _decoded(pixels: Any, picture: Any) -> Any:
    """``pixels`` (a loaded Pillow image) as a pyvips image with ``picture``'s metadata."""
    bands, interpretation = _MODES[pixels.mode]
    image = pyvips.Image.new_from_memory(
        pixels.tobytes(), pixels.width, pixels.height, bands, "uchar"
    ).copy(interpretation=interpretation)
    _attach_metadata(image, picture)
    return image


def _orientation(picture: Any) -> int:
    value = picture.getexif().get(_ORIENTATION_TAG, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _attach_metadata(image: Any, picture: Any) -> None:
    """The fields later steps use: orientation (autorotate), the colour profile (conversion
    to sRGB) and what `md-true` keeps. Same bytes as libvips' own loader attaches."""
    orientation = _orientation(picture)
    if orientation != 1:
        image.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    blobs = {
        "icc-profile-data": picture.info.get("icc_profile"),
        "exif-data": picture.info.get("exif"),
        "xmp-data": picture.info.get("xmp"),
        "iptc-data": next(
            (body for marker, body in picture.applist
             if marker == "APP13" and body.startswith(b"Photoshop 3.0")),
            None,
        ),
    }  # fmt: skip
    for name, blob in blobs.items():
        if blob:
            image.set_type(pyvips.GValue.blob_type, name, blob)
