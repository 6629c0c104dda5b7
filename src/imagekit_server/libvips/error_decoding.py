"""Keep one hostile file from breaking libvips error handling for the whole process.

pyvips builds every ``pyvips.Error`` by decoding libvips' error buffer as strict UTF-8 and only
then clearing it. libheif copies bytes of the file (a box type such as ``au\\xc3C``) into its
messages, so after one crafted AVIF the decode raised ``UnicodeDecodeError`` before the buffer
was cleared, and from then on every error in the process did the same, including the silent
one pyvips raises and swallows when a metadata field is absent: uploads and renders of good
images failed until a restart (found by the decoder fuzz, docs/security.md). Importing this
module makes the decode tolerant (invalid bytes become U+FFFD); the packages that call pyvips
import it.
"""

from __future__ import annotations

from typing import Any

import pyvips
import pyvips.error


def _tolerant_to_string(text: Any) -> str:
    if text == pyvips.ffi.NULL:
        return "NULL"
    value = pyvips.ffi.string(text)
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def install() -> None:
    """Idempotent: replace the decoder ``pyvips.Error`` reads libvips' error buffer with."""
    pyvips.error._to_string = _tolerant_to_string  # type: ignore[attr-defined]


install()
