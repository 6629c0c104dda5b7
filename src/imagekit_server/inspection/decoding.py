"""Open images with an explicitly chosen libvips loader: header first, pixels only on demand.

The loader is picked from the sniffed format, so libvips never guesses (and never reaches for
a loader such as ``matrixload`` that would accept arbitrary text). Every load passes
``revalidate`` so that a path reused for a different upload is never answered from the libvips
operation cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyvips

from imagekit_server.inspection.errors import InspectionError
from imagekit_server.inspection.sniffing import GIF, JPEG, SVG, WEBP, ImageFormat

# Animations: every frame has the canvas size, so all frames load as one tall image.
_ANIMATION_LOADERS = frozenset({"gifload", "webpload"})
# Documents whose pages may differ in size (TIFF pyramids, HEIF collections): page by page.
_DOCUMENT_LOADERS = frozenset({"tiffload", "heifload"})

#: Multi-page TIFF/HEIF files with more pages than this are refused (each page is a load).
MAX_DOCUMENT_PAGES = 1000

# A reduced decode this large is enough to prove the whole bitstream decodes.
_VERIFY_SIZE = 1024


def open_header(path: Path, image_format: ImageFormat) -> pyvips.Image:
    """Open ``path`` lazily: only the header is parsed until pixels are requested.

    SVG is refused: librsvg cannot be interrupted, so inspection reads SVGs as XML (svg.py)."""
    if image_format is SVG:
        raise InspectionError("SVG files are read as XML, not decoded.")
    return _load(path, image_format, access="sequential", fail_on="error")


def metadata_blob(header: pyvips.Image, field: str) -> bytes:
    """A binary metadata field such as ``exif-data`` or ``xmp-data``; empty when absent."""
    if field not in header.get_fields():
        return b""
    value = header.get(field)
    return value if isinstance(value, bytes) else b""


def page_count(image: pyvips.Image) -> int:
    """Number of pages or frames the file holds (1 when the format has no such notion)."""
    if "n-pages" in image.get_fields():
        pages = image.get("n-pages")
        if isinstance(pages, int) and pages > 0:
            return pages
    return 1


def has_alpha(header: pyvips.Image, image_format: ImageFormat) -> bool:
    """Whether the image has an alpha channel that can make pixels transparent."""
    if not header.hasalpha():
        return False
    if image_format is GIF:
        # libvips always adds an alpha band to GIFs; only a transparent colour makes it real.
        # This decodes the first frame, which the pixel-limit check has already bounded.
        return bool(header.extract_band(header.bands - 1).min() < 255)
    return True


def verify_pixels(
    path: Path, image_format: ImageFormat, header: pyvips.Image, *, max_pixels: int
) -> None:
    """Decode every page of ``path`` cheaply; raises ``pyvips.Error`` if the data is damaged.

    JPEG and WebP decode with shrink-on-load (the entropy-coded data is still read in full),
    so a 20 MB JPEG costs a fraction of a full-size decode. Pages of TIFF and HEIF files can
    differ in size, so each page's own header is checked against ``max_pixels`` (for all pages
    together) before it is decoded; ``InspectionError`` is raised when they add up to more.
    """
    options: dict[str, Any] = {"access": "sequential", "fail_on": "error"}
    if image_format is SVG:
        raise InspectionError("SVG files are read as XML, not decoded.")
    if image_format is JPEG:
        # The largest libjpeg scale that leaves at least one pixel (a 10x5 JPEG cannot shrink 8x).
        smallest_side = min(header.width, header.height)
        options["shrink"] = next(s for s in (8, 4, 2, 1) if s <= max(smallest_side, 1))
    elif image_format is WEBP:
        options["scale"] = min(1.0, _VERIFY_SIZE / max(header.width, header.height, 1))
    if image_format.loader in _ANIMATION_LOADERS:
        options["n"] = -1
    if image_format.loader in _DOCUMENT_LOADERS:
        _verify_pages(path, image_format, page_count(header), max_pixels, options)
        return
    _load(path, image_format, **options).avg()


def _verify_pages(
    path: Path, image_format: ImageFormat, pages: int, max_pixels: int, options: dict[str, Any]
) -> None:
    if pages > MAX_DOCUMENT_PAGES:
        raise InspectionError(f"The file has {pages} pages; at most {MAX_DOCUMENT_PAGES} are read.")
    decoded = 0
    for page in range(pages):
        image = _load(path, image_format, page=page, **options)
        decoded += image.width * image.height
        if decoded > max_pixels:
            raise InspectionError(
                f"The image is too large: its pages exceed the limit of {max_pixels} pixels."
            )
        image.avg()


def _load(path: Path, image_format: ImageFormat, **options: Any) -> pyvips.Image:
    loader = getattr(pyvips.Image, image_format.loader)
    image: pyvips.Image = loader(str(path), revalidate=True, **options)
    return image
