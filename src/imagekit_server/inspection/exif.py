"""Turn a raw EXIF block into the typed, PascalCase sub-objects of the metadata object.

Parsing is done by ``exifread``; this module only groups its tags by IFD, renames them to the
names ImageKit uses (ExifTool's), and converts raw values to JSON types: integers, rationals as
numbers, text with trailing NULs removed, EXIF dates kept in their ``YYYY:MM:DD HH:MM:SS`` form.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import exifread
from exifread.core.ifd_tag import IfdTag
from exifread.tags.fields import FieldType

JsonValue = Any

#: Sub-objects of ``metadata.exif``, keyed by the group prefix exifread puts on tag names.
EXIF_GROUPS: Mapping[str, str] = {
    "Image": "image",
    "Thumbnail": "thumbnail",
    "EXIF": "exif",
    "GPS": "gps",
    "Interoperability": "interoperability",
    "MakerNote": "makernote",
}

# exifread names that differ from the names ImageKit (ExifTool) uses, per group.
_RENAMES: Mapping[str, Mapping[str, str]] = {
    "image": {"DateTime": "ModifyDate"},
    "thumbnail": {
        "JPEGInterchangeFormat": "ThumbnailOffset",
        "JPEGInterchangeFormatLength": "ThumbnailLength",
        "DateTime": "ModifyDate",
    },
    "exif": {
        "ISOSpeedRatings": "ISO",
        "DateTimeDigitized": "CreateDate",
        "ExposureBiasValue": "ExposureCompensation",
        "FlashPixVersion": "FlashpixVersion",
        "ExifImageLength": "ExifImageHeight",
        "InteroperabilityOffset": "InteropOffset",
    },
    "interoperability": {
        "InteroperabilityIndex": "InteropIndex",
        "InteroperabilityVersion": "InteropVersion",
    },
}

# Rational tags the OpenAPI description types as integers, per group: rounded so that clients
# generated from it accept the body (a PNG at 1 px/mm carries 25.4).
_INTEGER_TAGS: Mapping[str, frozenset[str]] = {
    "image": frozenset({"XResolution", "YResolution"}),
    "thumbnail": frozenset({"XResolution", "YResolution"}),
}

# Undefined-type values longer than this are binary blobs (maker notes, previews): skipped.
_MAX_UNDEFINED_LENGTH = 256

_EXIF_PREFIX = b"Exif\x00\x00"
# A JPEG caps EXIF at 64 KiB; larger blocks (possible in PNG or WebP) are not parsed.
MAX_EXIF_SIZE = 1 << 20

# exifread reports odd files through logging; malformed uploads are expected here.
logging.getLogger("exifread").setLevel(logging.CRITICAL)


def read_exif_tags(blob: bytes) -> dict[str, IfdTag]:
    """All tags exifread finds in an EXIF block (``Exif\\0\\0`` + TIFF); ``{}`` if unreadable."""
    if len(blob) > MAX_EXIF_SIZE:
        return {}
    tiff = blob[len(_EXIF_PREFIX) :] if blob.startswith(_EXIF_PREFIX) else blob
    try:
        tags = exifread.process_file(
            io.BytesIO(tiff), details=True, extract_thumbnail=False, truncate_tags=False
        )
    except Exception:  # exifread has no exception hierarchy; hostile input can raise anything
        return {}
    return {name: tag for name, tag in tags.items() if isinstance(tag, IfdTag)}


def exif_sections(tags: Mapping[str, IfdTag]) -> dict[str, dict[str, JsonValue]]:
    """The ``exif`` object of docs/reference/api.md section 2.4: one sub-object per IFD, all always
    present."""
    sections: dict[str, dict[str, JsonValue]] = {name: {} for name in EXIF_GROUPS.values()}
    for full_name, tag in tags.items():
        prefix, _, name = full_name.partition(" ")
        section = EXIF_GROUPS.get(prefix)
        if section is None or not name.isidentifier():
            continue  # unknown tags are named "Tag 0x1234" by exifread
        value = raw_value(tag)
        if isinstance(value, float) and name in _INTEGER_TAGS.get(section, ()):
            value = round(value) if math.isfinite(value) else None
        if value is not None:
            sections[section][exif_key(section, name)] = value
    return sections


def exif_key(section: str, name: str) -> str:
    """The ImageKit (ExifTool) name of the exifread tag ``name`` in ``section``."""
    return _RENAMES.get(section, {}).get(name, name)


def raw_value(tag: IfdTag) -> JsonValue:
    """The tag's value as a JSON type; lists stay lists only when they hold several items."""
    try:
        values = tag.values
        if tag.field_type == FieldType.ASCII:
            return _text(values)
        if tag.field_type in (FieldType.UNDEFINED, FieldType.PROPRIETARY):
            return _undefined(values)
        numbers = [_number(item) for item in values]
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return None
    if not numbers:
        return None
    return numbers[0] if len(numbers) == 1 else numbers


def _text(values: object) -> str | None:
    if isinstance(values, bytes):
        values = values.decode("latin-1")
    if not isinstance(values, str):
        return None
    # EXIF text is NUL-terminated; what follows the NUL is padding or junk.
    return values.partition("\x00")[0].strip()


def _undefined(values: object) -> str | None:
    if isinstance(values, str):
        text = values
    elif isinstance(values, (bytes, list)) and len(values) <= _MAX_UNDEFINED_LENGTH:
        text = bytes(int(item) & 0xFF for item in values).decode("latin-1")
    else:
        return None
    # NUL bytes are dropped: JSON stores (PostgreSQL jsonb) refuse "\u0000" in strings.
    return text.replace("\x00", "")


def _number(item: object) -> int | float:
    if isinstance(item, Fraction):
        return int(item) if item.denominator == 1 else float(item)
    if isinstance(item, bool):
        return int(item)
    if isinstance(item, int):
        return item
    if isinstance(item, float) and math.isfinite(item):
        return item
    raise TypeError(f"not a finite number: {item!r}")  # JSON has no NaN or infinity
