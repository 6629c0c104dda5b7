"""Datetimes read from the database, as aware UTC.

SQLite returns naive datetimes (stored as UTC); PostgreSQL returns them in the session's
offset. Everything that compares, formats or sends a stored time goes through ``to_utc``.
"""

from __future__ import annotations

from datetime import datetime, timezone


def to_utc(moment: datetime) -> datetime:
    """The same instant as an aware UTC datetime (naive values are taken to be UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
