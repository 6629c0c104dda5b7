"""Parsing of the date and time literals found in metadata and in queries.

Every instant is normalised to an aware UTC datetime: SQLite stores datetimes without their
offset, so comparisons are only portable if every stored and bound value is already in UTC.
"""

from __future__ import annotations

import re
from datetime import datetime

from imagekit_server.db.times import to_utc

# EXIF writes "2019:03:05 10:00:00" (colons in the date part); ISO-8601 uses dashes.
_EXIF_DATETIME = re.compile(r"^(\d{4}):(\d{2}):(\d{2})([ T].*)?$")


def parse_timestamp(text: str) -> datetime | None:
    """An ISO-8601 (or EXIF-style) date or date-time as UTC, or None if ``text`` is not one.

    A date without a time is midnight UTC of that day.
    """
    candidate = text.strip()
    exif = _EXIF_DATETIME.match(candidate)
    if exif:
        candidate = f"{exif[1]}-{exif[2]}-{exif[3]}{exif[4] or ''}"
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    if not re.match(r"^\d{4}-\d{2}-\d{2}", candidate):
        return None
    try:
        return to_utc(datetime.fromisoformat(candidate))
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted out of range
        return None
