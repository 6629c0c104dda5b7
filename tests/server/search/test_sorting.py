"""The sort parameter orders the sample library identically on both backends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from imagekit_server.db import tables
from imagekit_server.search import sort_columns
from imagekit_server.search.timestamps import parse_timestamp
from tests.server.search.sample_library import SAMPLE_FILES, SampleFile, SampleLibrary


def sample_value(sample: SampleFile, key: str) -> Any:
    width, height = sample.dimensions or (None, None)
    taken = parse_timestamp((sample.embedded or {}).get("DateTimeOriginal", ""))
    return {
        "ORIGINAL_CREATION_DATE": taken or sample.created,
        "NAME": sample.name,
        "CREATED": sample.created,
        "UPDATED": sample.updated or sample.created + timedelta(hours=1),
        "WIDTH": width,
        "HEIGHT": height,
        "SIZE": sample.size,
    }[key]


def expected_order(library: SampleLibrary, key: str, descending: bool) -> list[str]:
    """Present values first (by value, then id), missing values last, as the API promises."""
    rows = [(sample_value(s, key), library.file_ids[s.name], s.name) for s in SAMPLE_FILES]
    present = sorted((row for row in rows if row[0] is not None), reverse=descending)
    missing = sorted((row for row in rows if row[0] is None), reverse=descending)
    return [name for _, _, name in present + missing]


@pytest.mark.parametrize(
    "key", ["NAME", "CREATED", "UPDATED", "WIDTH", "HEIGHT", "SIZE", "ORIGINAL_CREATION_DATE"]
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_sort_orders_files(library: SampleLibrary, key: str, direction: str) -> None:
    query = (
        sa.select(tables.files.c.name)
        .where(tables.files.c.account_id == library.account_id)
        .order_by(*sort_columns(f"{direction}_{key}"))
    )
    with library.engine.connect() as conn:
        names = list(conn.scalars(query))
    assert names == expected_order(library, key, descending=direction == "DESC")


def test_default_sort_is_oldest_first(library: SampleLibrary) -> None:
    query = (
        sa.select(tables.files.c.name)
        .where(tables.files.c.account_id == library.account_id)
        .order_by(*sort_columns(None))
    )
    with library.engine.connect() as conn:
        names = list(conn.scalars(query))
    assert names == expected_order(library, "CREATED", descending=False)


def test_folders_sort_by_name_and_fall_back_to_creation_time(library: SampleLibrary) -> None:
    folders = tables.folders
    base = sa.select(folders.c.path).where(folders.c.account_id == library.account_id)
    with library.engine.connect() as conn:
        by_name = list(conn.scalars(base.order_by(*sort_columns("DESC_NAME", folders))))
        by_size = list(conn.scalars(base.order_by(*sort_columns("DESC_SIZE", folders))))
    names = [path.rpartition("/")[2] for path in by_name]
    assert names == sorted(names, reverse=True)
    assert by_size[0] == "/marketing/landing"  # the newest folder
