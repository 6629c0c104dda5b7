"""Interpretation of query values: numbers, booleans, instants, relative times and sizes.

A value is read according to the field it is compared with, so ``"7d"`` is a relative time for
``createdAt`` and ``"10kb"`` a size for ``size``. Every reader raises SearchQueryError naming
the value and its position when the text does not fit.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import datetime, timedelta

from imagekit_server.db.times import to_utc
from imagekit_server.search.errors import SearchQueryError
from imagekit_server.search.syntax_tree import Value
from imagekit_server.search.timestamps import parse_timestamp

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_RELATIVE_TIME = re.compile(r"^(\d+)\s*([hdwmy])$", re.IGNORECASE)
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$", re.IGNORECASE)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(sec|s|min|m|hr|h)?$", re.IGNORECASE)
_SIZE_FACTORS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_DURATION_FACTORS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600}

Scalar = str | float | bool


def _invalid(value: Value, field: str, expected: str) -> SearchQueryError:
    return SearchQueryError(
        f"Invalid value {value.display} at position {value.position} for {field}: "
        f"expected {expected}",
        value.position,
    )


def read_number(value: Value, field: str) -> float:
    """An unquoted (or quoted) finite number."""
    if _NUMBER.match(value.text.strip()):
        number = float(value.text)
        if math.isfinite(number):
            return integral(number)
    raise _invalid(value, field, "a number")


def integral(number: float) -> float:
    """Whole numbers as ints: compared with an integer column, a float parameter would make
    PostgreSQL cast the column to numeric and ignore its index."""
    if number.is_integer() and abs(number) < 2**63:
        return int(number)
    return number


def read_boolean(value: Value, field: str) -> bool:
    """``true`` or ``false`` (any case, quoted or not)."""
    lowered = value.text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise _invalid(value, field, "true or false")


def read_string(value: Value, field: str) -> str:
    """A quoted string, or a bare word that is not a number or boolean."""
    if value.quoted or not (_NUMBER.match(value.text) or value.text.lower() in ("true", "false")):
        return value.text
    raise _invalid(value, field, "a quoted string")


def read_scalar(value: Value) -> Scalar:
    """A string, number or boolean, as the value is written (for untyped or select fields)."""
    if value.quoted:
        return value.text
    lowered = value.text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if _NUMBER.match(value.text):
        number = float(value.text)
        if math.isfinite(number):
            return integral(number)
    return value.text


def read_instant(value: Value, field: str, now: datetime) -> datetime:
    """An ISO date/date-time (UTC unless an offset is given) or a relative time before ``now``."""
    text = value.text.strip()
    relative = _RELATIVE_TIME.match(text)
    if relative:
        return _before(to_utc(now), int(relative[1]), relative[2].lower(), value, field)
    instant = parse_timestamp(text)
    if instant is None:
        raise _invalid(
            value, field, 'a date such as "2024-06-01" or "2024-06-01T08:30:00", or "7d"'
        )
    return instant


def _before(now: datetime, amount: int, unit: str, value: Value, field: str) -> datetime:
    try:
        if unit in ("h", "d", "w"):
            return now - timedelta(hours=amount * {"h": 1, "d": 24, "w": 168}[unit])
        months = amount * (12 if unit == "y" else 1)
        return _months_before(now, months)
    except (OverflowError, ValueError):
        raise _invalid(value, field, "a relative time that is not that far back") from None


def _months_before(now: datetime, months: int) -> datetime:
    """The same day-of-month and time ``months`` calendar months earlier (clamped to month end)."""
    index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day)


def read_size(value: Value, field: str) -> float:
    """Bytes: a number, or a number with a unit b/kb/mb/gb (powers of 1024, any case)."""
    match = _SIZE.match(value.text.strip())
    size = float(match[1]) * _SIZE_FACTORS[(match[2] or "b").lower()] if match else math.inf
    if not math.isfinite(size):  # 400 digits overflow a float: no column can compare with it
        raise _invalid(value, field, 'a size such as 1024, "10kb" or "2mb"')
    return integral(size)


def read_duration(value: Value, field: str) -> float:
    """Seconds: a number, or a number with a unit sec/s, min/m, hr/h."""
    match = _DURATION.match(value.text.strip())
    seconds = float(match[1]) * _DURATION_FACTORS[(match[2] or "s").lower()] if match else math.inf
    if not math.isfinite(seconds):
        raise _invalid(value, field, 'a duration such as 30, "45sec", "1.5min" or "2hr"')
    return seconds
