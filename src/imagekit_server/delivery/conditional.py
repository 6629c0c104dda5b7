"""Conditional and range requests on stored bytes (docs/reference/delivery.md §10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # exclusive


class Unsatisfiable(Exception):
    pass


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [item.strip() for item in header.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


def is_not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, modified: datetime
) -> bool:
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return modified.replace(microsecond=0) <= since
    return False


def requested_range(
    range_header: str | None, if_range: str | None, etag: str, size: int
) -> ByteRange | None:
    """The single byte range to send, or None for the whole body (no header, several ranges,
    a stale If-Range or a header we do not understand). Raises ``Unsatisfiable``."""
    if not range_header or (if_range is not None and if_range.strip() != etag):
        return None
    unit, _, spec = range_header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first == "":
            length = int(last)
            if length <= 0:
                raise Unsatisfiable
            return ByteRange(max(0, size - length), size)
        start = int(first)
        end = size if last == "" else min(int(last) + 1, size)
    except ValueError:
        return None
    if start >= size or end <= start:
        raise Unsatisfiable
    return ByteRange(start, end)
