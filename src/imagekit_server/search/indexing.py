"""Explode a file's tags and metadata into the rows that search queries run on.

``file_tags`` gets one row per distinct user tag and per distinct AI tag name;
``file_search_values`` one row per scalar custom or embedded metadata value (list values give
one row per item), each in the column that matches its type so comparisons are typed in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import file_search_values, file_tags
from imagekit_server.db.times import to_utc
from imagekit_server.search.timestamps import parse_timestamp

TEXT_LIMIT = 1024  # length of file_search_values.text_value

# Embedded metadata keys whose string values are instants (EXIF/XMP date tags).
EMBEDDED_DATE_KEYS = frozenset(
    {
        "DateTimeOriginal",
        "DateTimeDigitized",
        "DateTimeCreated",
        "DateCreated",
        "CreateDate",
        "ModifyDate",
        "DateTime",
    }
)


@dataclass(frozen=True)
class SearchValue:
    """One scalar of a metadata field, split into its typed column."""

    key: str
    text: str | None = None
    number: float | None = None
    flag: bool | None = None
    time: datetime | None = None

    def row(self, *, file_id: str, account_id: str, namespace: str) -> dict[str, Any]:
        return {
            "file_id": file_id,
            "account_id": account_id,
            "namespace": namespace,
            "key": self.key,
            "text_value": self.text,
            "number_value": self.number,
            "bool_value": self.flag,
            "time_value": self.time,
        }


def reindex_file(
    conn: sa.Connection,
    *,
    account_id: str,
    file_id: str,
    tags: list[str] | None,
    ai_tags: list[dict[str, Any]] | None,
    custom_metadata: dict[str, Any],
    embedded_metadata: dict[str, Any] | None,
    field_types: Mapping[str, str],
) -> None:
    """Replace the file's rows in ``file_tags`` and ``file_search_values``.

    ``field_types`` maps custom field names to their schema type ("Text", "Number", "Date",
    "Boolean", "SingleSelect", "MultiSelect", "Textarea"); it decides how strings are stored
    (a Date field's value goes to ``time_value``).
    """
    conn.execute(sa.delete(file_tags).where(file_tags.c.file_id == file_id))
    conn.execute(sa.delete(file_search_values).where(file_search_values.c.file_id == file_id))
    tag_rows = [
        {"file_id": file_id, "account_id": account_id, "source": source, "tag": tag}
        for source, tag in _tag_pairs(tags, ai_tags)
    ]
    if tag_rows:
        conn.execute(sa.insert(file_tags), tag_rows)
    value_rows = [
        value.row(file_id=file_id, account_id=account_id, namespace="custom")
        for value in custom_values(custom_metadata, field_types)
    ] + [
        value.row(file_id=file_id, account_id=account_id, namespace="embedded")
        for value in embedded_values(embedded_metadata or {})
    ]
    if value_rows:
        conn.execute(sa.insert(file_search_values), value_rows)


def _tag_pairs(
    tags: list[str] | None, ai_tags: list[dict[str, Any]] | None
) -> list[tuple[str, str]]:
    user = {("user", tag) for tag in tags or [] if isinstance(tag, str)}
    ai = {
        ("ai", entry["name"])
        for entry in ai_tags or []
        if isinstance(entry, dict) and isinstance(entry.get("name"), str)
    }
    return sorted(user | ai)


def custom_values(
    custom_metadata: Mapping[str, Any], field_types: Mapping[str, str]
) -> Iterator[SearchValue]:
    """The search values of a file's custom metadata."""
    for key, raw in custom_metadata.items():
        is_date = field_types.get(key) == "Date"
        for item in _scalars(raw):
            yield scalar_value(key, item, is_date=is_date)


def embedded_values(embedded_metadata: Mapping[str, Any]) -> Iterator[SearchValue]:
    """The search values of a file's embedded (EXIF/IPTC/XMP) metadata, top-level keys only."""
    for key, raw in embedded_metadata.items():
        is_date = key in EMBEDDED_DATE_KEYS
        for item in _scalars(raw):
            yield scalar_value(key, item, is_date=is_date)


def _scalars(raw: Any) -> Iterable[Any]:
    items = raw if isinstance(raw, list) else [raw]
    return [item for item in items if isinstance(item, str | int | float | bool | datetime)]


def scalar_value(key: str, item: str | float | bool | datetime, *, is_date: bool) -> SearchValue:
    """Place one scalar in its typed column; date fields also keep their text form."""
    if isinstance(item, bool):
        return SearchValue(key, flag=item)
    if isinstance(item, int | float):
        return SearchValue(key, number=float(item))
    if isinstance(item, datetime):
        return SearchValue(key, text=item.isoformat()[:TEXT_LIMIT], time=to_utc(item))
    time = parse_timestamp(item) if is_date else None
    return SearchValue(key, text=item[:TEXT_LIMIT], time=time)
