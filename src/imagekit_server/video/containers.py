"""Recognise video containers by their leading bytes, and name their MIME types."""

from __future__ import annotations

from pathlib import Path

SNIFF_LENGTH = 512

# ISO-BMFF brands of still images (HEIF/AVIF): those are images, not videos.
_STILL_BRANDS = frozenset({b"avif", b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"})

# Extension -> MIME type for the containers we probe (ImageKit's supported input formats).
MIME_BY_SUFFIX = {
    "mp4": "video/mp4",
    "m4v": "video/x-m4v",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "avi": "video/x-msvideo",
    "ogv": "video/ogg",
    "mpeg": "video/mpeg",
    "mpg": "video/mpeg",
    "ts": "video/mp2t",
    "3gp": "video/3gpp",
    "flv": "video/x-flv",
    "wmv": "video/x-ms-wmv",
}

# Suffixes that make a delivery URL worth a look for video (delivery hook; cheap string test).
VIDEO_SUFFIXES = frozenset(MIME_BY_SUFFIX)


def sniff_container(head: bytes) -> str | None:
    """The container family of ``head`` ("mp4", "webm", "avi", "ogg", "mpeg", "flv"), or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return None if head[8:12] in _STILL_BRANDS else "mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "mp4"  # old QuickTime files without ftyp
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x00\x00\x01\xba") or _is_ts(head):
        return "mpeg"
    if head.startswith(b"FLV"):
        return "flv"
    return None


def _is_ts(head: bytes) -> bool:
    """MPEG-TS: a sync byte every 188 bytes."""
    return len(head) > 376 and head[0] == head[188] == head[376] == 0x47


def sniff_path(path: Path) -> str | None:
    with path.open("rb") as handle:
        return sniff_container(handle.read(SNIFF_LENGTH))


def mime_for(file_name: str, container: str) -> str:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix in MIME_BY_SUFFIX:
        return MIME_BY_SUFFIX[suffix]
    return {
        "mp4": "video/mp4",
        "webm": "video/webm",
        "avi": "video/x-msvideo",
        "ogg": "video/ogg",
        "mpeg": "video/mpeg",
        "flv": "video/x-flv",
    }[container]
