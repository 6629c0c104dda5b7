"""Custom font files for text layers (`ff-<path>.ttf`): store them and read their family name.

Pango selects fonts by family name, so a font file is registered with libvips (`fontfile=`) and
then requested by the family recorded in its own `name` table.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from pathlib import Path

from imagekit_server.imaging.errors import invalid, unsupported

FONT_EXTENSIONS = (".ttf", ".otf")
_FAMILY_NAME_ID = 1


def is_font_path(family: str) -> bool:
    return family.lower().endswith((*FONT_EXTENSIONS, ".woff", ".woff2"))


def family_name(font: bytes) -> str:
    """The family (name ID 1) from an OpenType/TrueType `name` table."""
    try:
        table_count = struct.unpack_from(">H", font, 4)[0]
        for index in range(table_count):
            tag, _, offset, _ = struct.unpack_from(">4sIII", font, 12 + 16 * index)
            if tag == b"name":
                return _family_from_name_table(font, offset)
    except struct.error:
        pass
    raise invalid("'ff' is not a readable TrueType/OpenType font")


def _family_from_name_table(font: bytes, table: int) -> str:
    _, count, strings = struct.unpack_from(">HHH", font, table)
    fallback = None
    for index in range(count):
        platform, _, _, name_id, length, offset = struct.unpack_from(
            ">HHHHHH", font, table + 6 + 12 * index
        )
        if name_id != _FAMILY_NAME_ID:
            continue
        raw = font[table + strings + offset : table + strings + offset + length]
        if platform in {0, 3}:
            return raw.decode("utf-16-be", errors="replace")
        fallback = raw.decode("latin-1")
    if fallback:
        return fallback
    raise invalid("'ff' font has no family name")


def stored_font_file(font: bytes, directory: Path) -> Path:
    """Write the font once in ``directory`` under a content-addressed name (fontconfig keeps
    the path). A font in use has its time refreshed, so the server's sweep of files unused for
    a day (runtime/leftovers.py) leaves it alone."""
    if font[:4] in {b"wOFF", b"wOF2"}:
        raise unsupported("WOFF fonts are not supported; use a TTF or OTF file")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha256(font).hexdigest()}.ttf"
    try:
        os.utime(path)
    except FileNotFoundError:
        # A name of its own per writer: processes sharing the directory never mix bytes.
        fd, partial = tempfile.mkstemp(dir=directory, suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(font)
            os.replace(partial, path)
        finally:
            Path(partial).unlink(missing_ok=True)
    return path
