"""What an uploaded or fetched file is: its type, format, MIME type and image geometry."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyvips

from imagekit_server.inspection.decoding import has_alpha, open_header, page_count, verify_pixels
from imagekit_server.inspection.errors import InspectionError
from imagekit_server.inspection.sniffing import PDF_MAGIC, SVG, ImageFormat, sniff_path
from imagekit_server.inspection.svg import SvgError, read_svg
from imagekit_server.libvips.errors import is_server_fault

FileType = Literal["image", "non-image"]

_SVG_MIME = "image/svg+xml"


@dataclass(frozen=True)
class Probe:
    """The facts the upload endpoint records about a file.

    ``format`` is a short image format name (``jpg``, ``png``, ``webp``, ``gif``, ``avif``,
    ``heic``, ``tiff``, ``svg``) or, for non-images, the lower-case file name extension (``pdf``,
    ``txt``, ... or ``""``). Geometry fields are ``None`` for non-images.
    """

    file_type: FileType
    format: str
    mime: str
    width: int | None = None
    height: int | None = None
    has_alpha: bool = False
    orientation: int | None = None
    pages: int = 1


def probe_file(path: Path, file_name: str, *, max_pixels: int, allow_svg: bool = True) -> Probe:
    """Inspect ``path`` by content; ``file_name`` only decides the MIME type of non-images.

    Raises ``InspectionError`` when the content claims an image format but is corrupt or
    truncated, or when its header declares more than ``max_pixels`` (width x height x pages);
    the size check happens before any pixel is decoded. With ``allow_svg=False`` an SVG is not
    rendered and is reported as a non-image. The server's own failures (reading its spooled
    copy, a libvips that cannot make the call) escape as they are: they are not the file's.
    """
    image_format, head = sniff_path(path)
    if image_format is SVG:
        if not allow_svg:
            return Probe(file_type="non-image", format="svg", mime=_SVG_MIME)
        return _probe_svg(path, max_pixels)
    if image_format is None:
        return _non_image(head, file_name)
    try:
        return _probe_image(path, image_format, max_pixels)
    except pyvips.Error as error:
        if is_server_fault(error):
            raise
        raise InspectionError(
            f"The {image_format.name} file is corrupt or truncated and cannot be decoded."
        ) from error
    except (ValueError, OverflowError) as error:  # header values out of any sane range
        raise InspectionError(
            f"The {image_format.name} file is corrupt or truncated and cannot be decoded."
        ) from error


def _probe_image(path: Path, image_format: ImageFormat, max_pixels: int) -> Probe:
    header = open_header(path, image_format)
    pages = page_count(header)
    if header.width * header.height * pages > max_pixels:
        raise InspectionError(
            f"The image is too large: {header.width}x{header.height} pixels"
            f"{f' x {pages} pages' if pages > 1 else ''} exceeds the limit of {max_pixels} pixels."
        )
    verify_pixels(path, image_format, header, max_pixels=max_pixels)
    return Probe(
        file_type="image",
        format=image_format.name,
        mime=image_format.mime,
        width=header.width,
        height=header.height,
        has_alpha=has_alpha(header, image_format),
        orientation=_orientation(header),
        pages=pages,
    )


def _probe_svg(path: Path, max_pixels: int) -> Probe:
    """An SVG's size comes from its XML (svg.py), never from rendering it: librsvg cannot be
    interrupted, and a tiny document of nested ``<use>`` elements keeps it busy for hours.
    An SVG without a size (no width, height or viewBox) is stored without dimensions."""
    try:
        facts = read_svg(path.read_bytes())
    except OSError as error:
        raise InspectionError("The file could not be read.") from error
    except SvgError as error:
        raise InspectionError(f"The svg file cannot be read: {error}.") from None
    if (facts.width or 0) * (facts.height or 0) > max_pixels:
        raise InspectionError(
            f"The image is too large: {facts.width}x{facts.height} pixels exceeds the "
            f"limit of {max_pixels} pixels."
        )
    return Probe(
        file_type="image",
        format="svg",
        mime=_SVG_MIME,
        width=facts.width,
        height=facts.height,
        has_alpha=True,  # a vector drawing has a transparent background
    )


def _orientation(header: pyvips.Image) -> int | None:
    if "orientation" not in header.get_fields():
        return None
    value = header.get("orientation")
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _non_image(head: bytes, file_name: str) -> Probe:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    guessed, _ = mimetypes.guess_type(file_name, strict=False)
    if head.startswith(PDF_MAGIC):
        return Probe(file_type="non-image", format="pdf", mime="application/pdf")
    return Probe(file_type="non-image", format=suffix, mime=guessed or "application/octet-stream")
