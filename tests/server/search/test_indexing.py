"""reindex_file writes typed search rows and replaces them on every call."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.db import tables
from imagekit_server.search import compile_search, reindex_file
from tests.server.search.sample_library import FIELD_TYPES, NOW, SampleLibrary


def rows(library: SampleLibrary, name: str) -> tuple[set[tuple[str, str]], set[tuple[Any, ...]]]:
    identifier = library.file_ids[name]
    values = tables.file_search_values.c
    with library.engine.connect() as conn:
        tags = {
            (row.source, row.tag)
            for row in conn.execute(
                sa.select(tables.file_tags).where(tables.file_tags.c.file_id == identifier)
            )
        }
        searched = {
            (row.namespace, row.key, row.text_value, row.number_value, row.bool_value,
             row.time_value.replace(tzinfo=None) if row.time_value else None)
            for row in conn.execute(
                sa.select(tables.file_search_values).where(values.file_id == identifier)
            )
        }  # fmt: skip
    return tags, searched


def test_rows_are_typed_by_value_and_field(fresh_library: SampleLibrary) -> None:
    tags, values = rows(fresh_library, "red-dress.jpg")
    assert tags == {("user", "summer"), ("user", "sale"), ("ai", "Dress"), ("ai", "Red")}
    assert ("custom", "stock", None, 15.0, None, None) in values
    assert ("custom", "featured", None, None, True, None) in values
    assert ("custom", "sizes", "M", None, None, None) in values
    assert ("custom", "sizes", None, 42.0, None, None) in values
    assert ("custom", "launch", "2026-05-01", None, None, datetime(2026, 5, 1)) in values
    exif_time = ("embedded", "DateTimeOriginal", "2025:12:24 10:00:00", None, None,
                 datetime(2025, 12, 24, 10))  # fmt: skip
    assert exif_time in values
    assert ("embedded", "Keywords", "red", None, None, None) in values


def test_reindex_replaces_previous_rows(fresh_library: SampleLibrary) -> None:
    identifier = fresh_library.file_ids["red-dress.jpg"]
    with fresh_library.engine.begin() as conn:
        reindex_file(
            conn,
            account_id=fresh_library.account_id,
            file_id=identifier,
            tags=["winter", "winter"],
            ai_tags=[{"name": "Coat", "confidence": 80, "source": "test"}, {"bad": 1}],
            custom_metadata={
                "brand": "Nova",
                "launch": datetime(2026, 2, 1, 9, tzinfo=timezone.utc),
                "nested": {"ignored": True},
            },
            embedded_metadata=None,
            field_types=FIELD_TYPES,
        )  # fmt: skip
    tags, values = rows(fresh_library, "red-dress.jpg")
    assert tags == {("user", "winter"), ("ai", "Coat")}
    assert {(namespace, key) for namespace, key, *_ in values} == {
        ("custom", "brand"),
        ("custom", "launch"),
    }
    plan = compile_search(
        'tags IN ["summer"] OR "customMetadata.launch" = "2026-02-01T09:00:00Z"',
        account_id=fresh_library.account_id,
        field_types=FIELD_TYPES,
        now=NOW,
    )
    assert fresh_library.names(plan) == {"blue-shirt.png", "red-dress.jpg"}


def test_reindex_with_nothing_clears_the_rows(fresh_library: SampleLibrary) -> None:
    with fresh_library.engine.begin() as conn:
        reindex_file(
            conn,
            account_id=fresh_library.account_id,
            file_id=fresh_library.file_ids["cat.gif"],
            tags=None,
            ai_tags=None,
            custom_metadata={},
            embedded_metadata=None,
            field_types=FIELD_TYPES,
        )
    assert rows(fresh_library, "cat.gif") == (set(), set())
