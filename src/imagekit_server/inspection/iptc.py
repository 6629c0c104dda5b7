"""Read IPTC-IIM records (the "IPTC" of photo metadata) into PascalCase keys.

libvips exposes the block as ``iptc-data``: for JPEG it is the Photoshop APP13 payload, whose
image resource 0x0404 holds the IIM datasets; TIFF gives the datasets directly. Only the
application record (2) carries descriptive fields, so only it is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_PHOTOSHOP_SIGNATURE = b"Photoshop 3.0\x00"
_RESOURCE_SIGNATURE = b"8BIM"
_IPTC_RESOURCE_ID = 0x0404
_TAG_MARKER = 0x1C
_APPLICATION_RECORD = 2

# Dataset number in record 2 -> key (the names exifr/ImageKit use).
DATASET_NAMES: dict[int, str] = {
    0: "ApplicationRecordVersion",
    5: "ObjectName",
    7: "EditStatus",
    10: "Urgency",
    12: "SubjectReference",
    15: "Category",
    20: "SupplementalCategories",
    22: "FixtureIdentifier",
    25: "Keywords",
    26: "ContentLocationCode",
    27: "ContentLocationName",
    30: "ReleaseDate",
    35: "ReleaseTime",
    37: "ExpirationDate",
    38: "ExpirationTime",
    40: "SpecialInstructions",
    45: "ReferenceService",
    55: "DateCreated",
    60: "TimeCreated",
    62: "DigitalCreationDate",
    63: "DigitalCreationTime",
    65: "OriginatingProgram",
    70: "ProgramVersion",
    75: "ObjectCycle",
    80: "Byline",
    85: "BylineTitle",
    90: "City",
    92: "Sublocation",
    95: "ProvinceState",
    100: "CountryPrimaryLocationCode",
    101: "CountryPrimaryLocationName",
    103: "OriginalTransmissionReference",
    105: "Headline",
    110: "Credit",
    115: "Source",
    116: "CopyrightNotice",
    118: "Contact",
    120: "CaptionAbstract",
    122: "WriterEditor",
    130: "ImageType",
    131: "ImageOrientation",
    135: "LanguageIdentifier",
}

#: Datasets that may repeat: always reported as lists.
REPEATABLE = frozenset(
    {"Keywords", "SubjectReference", "SupplementalCategories", "ContentLocationCode",
     "ContentLocationName", "Contact"}
)  # fmt: skip


def read_iptc(blob: bytes) -> dict[str, Any]:
    """IPTC fields of an ``iptc-data`` block; unreadable parts are skipped, never raised."""
    fields: dict[str, Any] = {}
    for dataset, raw in _datasets(_iim_block(blob)):
        name = DATASET_NAMES.get(dataset)
        if name is None:
            continue
        value: Any = int.from_bytes(raw, "big") if dataset == 0 else _decode(raw)
        if name in REPEATABLE:
            fields.setdefault(name, []).append(value)
        else:
            fields.setdefault(name, value)
    return fields


def _iim_block(blob: bytes) -> bytes:
    if not blob.startswith(_PHOTOSHOP_SIGNATURE):
        return blob
    for resource_id, data in _photoshop_resources(blob[len(_PHOTOSHOP_SIGNATURE) :]):
        if resource_id == _IPTC_RESOURCE_ID:
            return data
    return b""


def _photoshop_resources(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(id, payload) of each "8BIM" image resource: id, padded Pascal name, size, payload."""
    position = 0
    while data[position : position + 4] == _RESOURCE_SIGNATURE:
        resource_id = int.from_bytes(data[position + 4 : position + 6], "big")
        name_length = data[position + 6] if position + 6 < len(data) else 0
        name_field = 1 + name_length + (1 + name_length) % 2  # padded to an even size
        size_at = position + 6 + name_field
        size = int.from_bytes(data[size_at : size_at + 4], "big")
        payload = data[size_at + 4 : size_at + 4 + size]
        if len(payload) < size:
            return
        yield resource_id, payload
        position = size_at + 4 + size + size % 2


def _datasets(block: bytes) -> Iterator[tuple[int, bytes]]:
    """(dataset number, value) for each dataset of the application record."""
    position = 0
    while position + 5 <= len(block) and block[position] == _TAG_MARKER:
        record, dataset = block[position + 1], block[position + 2]
        length = int.from_bytes(block[position + 3 : position + 5], "big")
        position += 5
        if length & 0x8000:  # extended dataset: the low bits give the size of the length
            length_size = length & 0x7FFF
            if length_size > 4:
                return
            length = int.from_bytes(block[position : position + length_size], "big")
            position += length_size
        value = block[position : position + length]
        if len(value) < length:
            return
        position += length
        if record == _APPLICATION_RECORD:
            yield dataset, value


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\x00", "").strip()  # JSON stores refuse NUL characters
