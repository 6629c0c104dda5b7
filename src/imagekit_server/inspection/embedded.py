"""Embedded metadata: EXIF, IPTC and XMP consolidated into one object with PascalCase keys.

This is the ``embeddedMetadata`` of file objects (docs/reference/api.md 2.1). Where the sources
overlap the
first one wins, in the order EXIF, IPTC, XMP. Unlike the ``metadata`` object, values are meant
for people and search: enumerations are spelled out (``Orientation: "Horizontal (normal)"``),
dates are ISO 8601 (``DateTimeOriginal: "2019-10-16T19:01:03.000Z"``), ``Keywords`` is a list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from exifread.core.ifd_tag import IfdTag
from exifread.tags.fields import FieldType

from imagekit_server.inspection.decoding import metadata_blob, open_header
from imagekit_server.inspection.exif import EXIF_GROUPS, exif_key, raw_value, read_exif_tags
from imagekit_server.inspection.iptc import read_iptc
from imagekit_server.inspection.sniffing import SVG, sniff_path
from imagekit_server.inspection.xmp import read_xmp

# EXIF groups that describe the picture (thumbnail IFD and maker notes do not).
_EXIF_GROUPS = ("Image", "EXIF", "GPS", "Interoperability")
# Offsets to other IFDs: file structure, not metadata.
_POINTER_TAGS = frozenset({"ExifOffset", "GPSInfo", "InteropOffset"})
_RESOLUTION_UNITS = {1: "none", 2: "inches", 3: "cm"}

_EXIF_DATE = re.compile(r"(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_IPTC_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_IPTC_TIME = re.compile(r"(\d{2})(\d{2})(\d{2})(?:([+-])(\d{2})(\d{2}))?")


def read_embedded_metadata(path: Path) -> dict[str, Any]:
    """Consolidated EXIF/IPTC/XMP fields of the image at ``path``; ``{}`` for non-images.

    Never raises: unreadable files give ``{}``, unreadable parts of the metadata are skipped.
    """
    try:
        image_format, _ = sniff_path(path)
        if image_format is None or image_format is SVG:  # SVG is never handed to librsvg
            return {}
        header = open_header(path, image_format)
        blobs = [metadata_blob(header, name) for name in ("exif-data", "iptc-data", "xmp-data")]
    except Exception:  # hostile files may fail anywhere in libvips or the OS
        return {}
    readers: list[Callable[[bytes], dict[str, Any]]] = [_exif_fields, _iptc_fields, read_xmp]
    fields: dict[str, Any] = {}
    for reader, blob in zip(readers, blobs, strict=True):
        if not blob:
            continue
        try:
            parsed = reader(blob)
        except Exception:  # one bad block must not hide the others
            continue
        for key, value in parsed.items():
            if value not in (None, "", []):
                fields.setdefault(key, value)
    if "Keywords" not in fields and isinstance(fields.get("Subject"), list):
        fields["Keywords"] = fields["Subject"]  # XMP-only files keep keywords in dc:subject
    created = fields.get("DateCreated")
    if "DateTimeCreated" not in fields and isinstance(created, str) and "T" in created:
        date, _, time = created.partition("T")  # XMP photoshop:DateCreated carries the time
        fields["DateTimeCreated"] = _utc_iso(date, time)
    return fields


def _exif_fields(blob: bytes) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for full_name, tag in read_exif_tags(blob).items():
        group, _, name = full_name.partition(" ")
        if group not in _EXIF_GROUPS or not name.isidentifier():
            continue
        key = exif_key(EXIF_GROUPS[group], name)
        if key not in _POINTER_TAGS:
            fields.setdefault(key, _readable_value(key, tag))
    for key, negative_reference in (("GPSLatitude", "S"), ("GPSLongitude", "W")):
        degrees = _decimal_degrees(fields.get(key))
        if degrees is not None:
            negative = fields.get(f"{key}Ref") == negative_reference
            fields[key] = -degrees if negative else degrees
    return fields


def _decimal_degrees(value: Any) -> float | None:
    """EXIF stores a coordinate as [degrees, minutes, seconds]; search wants one number."""
    if not isinstance(value, list) or len(value) != 3:
        return None
    if not all(isinstance(part, int | float) for part in value):
        return None
    degrees, minutes, seconds = value
    return float(round(degrees + minutes / 60 + seconds / 3600, 7))


def _readable_value(key: str, tag: IfdTag) -> Any:
    value = raw_value(tag)
    if key == "ResolutionUnit":
        return _RESOLUTION_UNITS.get(value, value)
    if tag.field_type == FieldType.ASCII and isinstance(value, str):
        return _exif_date_to_iso(value) or value
    if tag.prefer_printable and isinstance(tag.printable, str):
        return tag.printable  # an enumeration that exifread spells out
    return value


def _exif_date_to_iso(value: str) -> str | None:
    match = _EXIF_DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = match.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}.000Z"


def _iptc_fields(blob: bytes) -> dict[str, Any]:
    fields = read_iptc(blob)
    date = _IPTC_DATE.fullmatch(str(fields.get("DateCreated", "")))
    time = _IPTC_TIME.fullmatch(str(fields.get("TimeCreated", "")))
    if date is not None:
        fields["DateCreated"] = "{}-{}-{}".format(*date.groups())
    if time is not None:
        hour, minute, second, sign, offset_hours, offset_minutes = time.groups()
        offset = f"{sign}{offset_hours}:{offset_minutes}" if sign else "+00:00"
        fields["TimeCreated"] = f"{hour}:{minute}:{second}{offset}"
    if date is not None:
        fields["DateTimeCreated"] = _utc_iso(
            fields["DateCreated"], fields.get("TimeCreated", "00:00:00+00:00")
        )
    return fields


def _utc_iso(date: str, time: str) -> str | None:
    """``2019-10-16`` + ``19:01:03+05:30`` -> ``2019-10-16T13:31:03.000Z``."""
    try:
        moment = datetime.fromisoformat(f"{date}T{time}".replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
