"""Recognise image formats by their leading bytes, never by the file name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: How many leading bytes ``sniff_format`` wants to see.
SNIFF_LENGTH = 4096

# ISO-BMFF brands (the ``ftyp`` box) that libheif decodes, mapped to our format names.
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
# What may precede the root element: an XML declaration or processing instruction, a comment,
# a document type declaration (possibly with an internal subset).
_XML_PROLOG = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.DOTALL)
_SVG_ROOT = re.compile(r"<(\w+:)?svg[\s>/]")
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})


@dataclass(frozen=True)
class ImageFormat:
    """A format the server can decode: its public name, MIME type and libvips loader."""

    name: str
    mime: str
    loader: str


JPEG = ImageFormat("jpg", "image/jpeg", "jpegload")
PNG = ImageFormat("png", "image/png", "pngload")
GIF = ImageFormat("gif", "image/gif", "gifload")
WEBP = ImageFormat("webp", "image/webp", "webpload")
AVIF = ImageFormat("avif", "image/avif", "heifload")
HEIC = ImageFormat("heic", "image/heic", "heifload")
TIFF = ImageFormat("tiff", "image/tiff", "tiffload")
SVG = ImageFormat("svg", "image/svg+xml", "svgload_buffer")

#: PDF is recognised so it is never mistaken for anything else, but it is a non-image here.
PDF_MAGIC = b"%PDF-"


def sniff_format(head: bytes) -> ImageFormat | None:
    """Return the image format that ``head`` (the first bytes of a file) claims, if any."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head[4:8] == b"ftyp":
        return _sniff_heif(head)
    if _looks_like_svg(head):
        return SVG
    return None


def sniff_path(path: Path) -> tuple[ImageFormat | None, bytes]:
    """The format the file at ``path`` claims, with the leading bytes it was judged on.

    Raises ``OSError`` if the file cannot be read.
    """
    with path.open("rb") as stream:
        head = stream.read(SNIFF_LENGTH)
    return sniff_format(head), head


def _sniff_heif(head: bytes) -> ImageFormat | None:
    box_size = int.from_bytes(head[0:4], "big")
    major_brand = head[8:12]
    # Compatible brands follow the major brand and the minor version, up to the box end.
    compatible = [head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)]
    brands = [major_brand, *compatible]
    if any(brand in _AVIF_BRANDS for brand in brands):
        return AVIF
    if any(brand in _HEIC_BRANDS for brand in brands):
        return HEIC
    return None


def _looks_like_svg(head: bytes) -> bool:
    """True when the first element of an XML document is ``<svg>`` (so HTML with inline SVG
    is not an SVG image)."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    while True:
        text = text.lstrip(" \t\r\n")
        prolog = _XML_PROLOG.match(text)
        if prolog is None:
            break
        text = text[prolog.end() :]
    return _SVG_ROOT.match(text) is not None
