"""Text that came from a request (or an origin) made safe for a response header.

HTTP header values are printable ASCII here: HTTP servers refuse a value holding a control
character (``%00``, CR, LF, DEL in a decoded URL) and drops the connection with no answer, and
a CR/LF that got through would split the response. Everything else is percent-escaped as its
UTF-8 bytes, so ``a%0Ab.jpg`` reads back as it was written (docs/security-limits.md). Dates are
written as HTTP dates (``http_date``).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

__all__ = ["MAX_ECHOED_CHARACTERS", "header_text", "http_date"]

MAX_ECHOED_CHARACTERS = 300
"""How much request text a header repeats (a 50 KB path stays out of every header)."""


def header_text(
    text: str, limit: int = MAX_ECHOED_CHARACTERS, *, replacement: str | None = None
) -> str:
    """``text`` cut to ``limit`` characters, then characters outside printable ASCII as
    ``%XX`` (or as ``replacement``, for a file name's ASCII fallback). The result always
    encodes as ASCII."""
    return "".join(_escaped(char, replacement) for char in text[:limit])


def _escaped(char: str, replacement: str | None) -> str:
    if " " <= char <= "~":
        return char
    if replacement is not None:
        return replacement
    data = char.encode("utf-8", errors="surrogatepass")
    return "".join(f"%{byte:02X}" for byte in data)


def http_date(moment: datetime) -> str:
    """``moment`` as an HTTP date (``Last-Modified``, ``Expires``)."""
    return format_datetime(moment, usegmt=True)
