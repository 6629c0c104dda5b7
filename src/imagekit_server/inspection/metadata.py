"""The metadata object of docs/reference/api.md section 2.4 (``GET /v1/files/{id}/metadata``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyvips

from imagekit_server.inspection.decoding import has_alpha, metadata_blob, open_header, page_count
from imagekit_server.inspection.errors import InspectionError
from imagekit_server.inspection.exif import exif_sections, read_exif_tags
from imagekit_server.inspection.jpeg_quality import estimate_jpeg_quality
from imagekit_server.inspection.phash import phash
from imagekit_server.inspection.sniffing import GIF, JPEG, SVG, ImageFormat, sniff_path
from imagekit_server.inspection.svg import SvgError, read_svg
from imagekit_server.libvips.errors import is_server_fault

_MM_PER_INCH = 25.4
_DEFAULT_DENSITY = 72


def read_metadata(path: Path, *, max_pixels: int | None = None) -> dict[str, Any]:
    """Size, format, colour profile, quality, density, transparency, pHash and EXIF of an image.

    Raises ``InspectionError`` only when ``path`` is not a decodable image (or declares more
    than ``max_pixels``); odd or damaged metadata is skipped, never raised.
    """
    try:
        image_format, _ = sniff_path(path)
        if image_format is None:
            raise InspectionError("The file is not an image, so it has no image metadata.")
        if image_format is SVG:
            return _svg_metadata(path, max_pixels)
        header = open_header(path, image_format)
        declared_pixels = header.width * header.height * page_count(header)
        if max_pixels is not None and declared_pixels > max_pixels:
            raise InspectionError("The image is too large to inspect.")
        return {
            "height": header.height,
            "width": header.width,
            "size": path.stat().st_size,
            "format": image_format.name,
            "hasColorProfile": "icc-profile-data" in header.get_fields(),
            "quality": _quality(path, image_format),
            "density": _density(header, image_format),
            "hasTransparency": has_alpha(header, image_format),
            "pHash": phash(path, max_pixels=max_pixels),
            "exif": exif_sections(read_exif_tags(metadata_blob(header, "exif-data"))),
        }
    except pyvips.Error as error:
        if is_server_fault(error):  # the server's libvips, not the file (libvips/errors.py)
            raise
        raise InspectionError("The image is corrupt and its metadata cannot be read.") from error
    except (ValueError, OverflowError) as error:
        raise InspectionError("The image is corrupt and its metadata cannot be read.") from error


def _svg_metadata(path: Path, max_pixels: int | None) -> dict[str, Any]:
    """An SVG's metadata from its XML alone: it is never rendered here (svg.py), so it has no
    pHash, and a vector has no quality, colour profile or EXIF."""
    try:
        facts = read_svg(path.read_bytes())
    except SvgError as error:
        raise InspectionError(f"The SVG cannot be read: {error}.") from None
    width, height = facts.width or 0, facts.height or 0
    if max_pixels is not None and width * height > max_pixels:
        raise InspectionError("The image is too large to inspect.")
    return {
        "height": height,
        "width": width,
        "size": path.stat().st_size,
        "format": "svg",
        "hasColorProfile": False,
        "quality": 0,
        "density": _DEFAULT_DENSITY,
        "hasTransparency": True,
        "pHash": "",
        "exif": {},
    }


def _quality(path: Path, image_format: ImageFormat) -> int:
    if image_format is not JPEG:
        return 0
    with path.open("rb") as stream:
        return estimate_jpeg_quality(stream)


def _density(header: pyvips.Image, image_format: ImageFormat) -> int:
    """Horizontal resolution in dots per inch (libvips keeps pixels per millimetre)."""
    if image_format is GIF:  # GIF has no resolution field
        return _DEFAULT_DENSITY
    dots_per_inch = float(header.xres) * _MM_PER_INCH
    if not math.isfinite(dots_per_inch) or round(dots_per_inch) <= 0:
        return _DEFAULT_DENSITY
    return round(dots_per_inch)
