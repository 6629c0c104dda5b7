"""Keyset pages of a 100,000-file folder, on SQLite and PostgreSQL: the last page costs what the
first does, and pages join up without gaps or repeats."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from imagekit_server.accounts import create_account
from imagekit_server.console.library_page import breadcrumbs, folder_page, normalise_folder
from imagekit_server.db.engine import create_engine, refresh_statistics, write_transaction
from imagekit_server.db.migrate import upgrade_to_head
from imagekit_server.db.tables import files

COUNT = 100_000


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(database_url)
    upgrade_to_head(engine)
    now = datetime.now(timezone.utc)
    with write_transaction(engine) as conn:
        create_account(conn, "acme", public_key="pub", private_key="priv")
        rows = [
            {
                "id": f"{index:024x}",
                "account_id": "acme",
                "folder_path": "/huge",
                "name": f"f{index:06d}.jpg",
                "file_path": f"/huge/f{index:06d}.jpg",
                "current_version_id": f"{index:024x}",
                "version_number": 1,
                "blob_key": "k",
                "file_type": "image",
                "format": "jpg",
                "mime": "image/jpeg",
                "size": 1,
                "has_alpha": False,
                "etag": "e",
                "is_private": False,
                "is_published": True,
                "custom_metadata": {},
                "created_at": now,
                "updated_at": now,
            }
            for index in range(COUNT)
        ]
        for start in range(0, COUNT, 10_000):
            conn.execute(files.insert(), rows[start : start + 10_000])
    refresh_statistics(engine)
    yield engine
    engine.dispose()


def _timed(engine: sa.Engine, after: str | None) -> tuple[float, list[str], str | None]:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        page = folder_page(engine, "acme", "/huge", after)
        best = min(best, time.perf_counter() - started)
    return best, [row.name for row in page.files], page.next_after


def test_deep_pages_cost_what_the_first_does(engine: sa.Engine) -> None:
    first_time, first, cursor = _timed(engine, None)
    assert first == [f"f{index:06d}.jpg" for index in range(100)]
    assert cursor == "f000099.jpg"
    second = folder_page(engine, "acme", "/huge", cursor)
    assert second.files[0].name == "f000100.jpg"
    last_time, last, last_cursor = _timed(engine, f"f{COUNT - 51:06d}.jpg")
    assert last == [f"f{index:06d}.jpg" for index in range(COUNT - 50, COUNT)]
    assert last_cursor is None
    # Both read ~100 index entries; an OFFSET would read 99,950 rows for the last page.
    assert last_time < max(5 * first_time, 0.05), (first_time, last_time)


def test_paths_and_breadcrumbs() -> None:
    assert normalise_folder("a//b/../c/") == "/a/b/c"
    assert normalise_folder(None) == "/"
    assert breadcrumbs("/a/b") == [("Home", "/"), ("a", "/a"), ("b", "/a/b")]
