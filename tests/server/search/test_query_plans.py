"""The plans both databases choose for tag/metadata searches: lookups of the selected ids
from covering indexes, not scans of every file (checked with EXPLAIN on a generated library)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from imagekit_server.db import tables
from imagekit_server.db.engine import create_engine, refresh_statistics
from imagekit_server.search import compile_search, sort_columns

ACCOUNT = "plans"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
FILE_COUNT = 4000
# Every 100th file has the rare tag, every 90th the rare brand: about 2% of the library.
COMBINED = '(tags IN ["rare"] OR "customMetadata.brand" = "rare") AND format IN ["png"]'


def _file_row(number: int) -> dict[str, Any]:
    identifier = f"{number:024x}"
    image_format = ("jpg", "png", "webp")[number % 3]
    return {
        "id": identifier, "account_id": ACCOUNT, "folder_path": "/", "name": f"{number}.jpg",
        "file_path": f"/{number}.jpg", "current_version_id": identifier, "version_number": 1,
        "blob_key": identifier, "file_type": "image", "format": image_format,
        "mime": "image/jpeg", "size": (number * 7919) % 100_000, "width": 100 + number % 3000,
        "height": 100, "has_alpha": False, "etag": identifier, "is_private": False,
        "is_published": True, "tags": None, "ai_tags": None, "custom_metadata": {},
        "embedded_metadata": None, "metadata": None, "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip


def _populate(engine: sa.Engine) -> None:
    tables.metadata.create_all(engine)  # no-op when the tables exist
    numbers = range(FILE_COUNT)
    tag_rows = [
        {"file_id": f"{n:024x}", "account_id": ACCOUNT, "source": "user", "tag": tag}
        for n in numbers
        for tag in (f"tag-{n % 40}", "rare" if n % 100 == 0 else None)
        if tag
    ]
    brand_rows = [
        {"file_id": f"{n:024x}", "account_id": ACCOUNT, "namespace": "custom", "key": "brand",
         "text_value": "rare" if n % 90 == 0 else f"brand-{n % 30}"}
        for n in numbers
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(
            sa.insert(tables.accounts).values(
                id=ACCOUNT, public_key="pk_plans", private_key="sk_plans", settings={},
                created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        conn.execute(sa.insert(tables.files), [_file_row(n) for n in numbers])
        conn.execute(sa.insert(tables.file_tags), tag_rows)
        conn.execute(sa.insert(tables.file_search_values), brand_rows)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """The server's engine (its connection settings) over a generated library."""
    engine = create_engine(database_url)
    _populate(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))  # what autovacuum does after bulk writes
            conn.commit()
    try:
        yield engine
    finally:
        engine.dispose()


def _statement(query: str, sort: str) -> sa.Select[Any]:
    plan = compile_search(query, account_id=ACCOUNT, field_types={"brand": "Text"}, now=NOW)
    assert plan.file_clause is not None
    return sa.select(tables.files).where(plan.file_clause).order_by(*sort_columns(sort)).limit(10)


def _plan(engine: sa.Engine, statement: sa.Select[Any]) -> str:
    sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
            return "\n".join(str(row[-1]) for row in rows)
        return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql))


def _expected_ids(engine: sa.Engine) -> list[str]:
    """The combined query's answer computed in Python from the rows."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(tables.files)).mappings().all()
    selected = [
        row
        for row in rows
        if int(row["id"], 16) % 100 == 0 or int(row["id"], 16) % 90 == 0
        if row["format"] == "png"
    ]
    selected.sort(key=lambda row: (row["size"], row["id"]), reverse=True)
    return [row["id"] for row in selected[:10]]


def test_combined_search_looks_up_the_selected_ids(engine: sa.Engine) -> None:
    refresh_statistics(engine)
    statement = _statement(COMBINED, "DESC_SIZE")
    plan = _plan(engine, statement)
    if engine.dialect.name == "sqlite":
        assert "USING INDEX sqlite_autoindex_files_1 (id=?)" in plan, plan
        assert "COVERING INDEX ix_file_tags_account_tag" in plan, plan
        assert "COVERING INDEX ix_fsv_lookup" in plan, plan
    else:
        assert "Seq Scan on files" not in plan, plan
        assert "Index Only Scan using ix_file_tags_account_tag" in plan, plan
    with engine.connect() as conn:
        found = [row.id for row in conn.execute(statement)]
    assert found == _expected_ids(engine)


def _analysed_tables(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}


def test_sqlite_statistics_are_written_at_start_up(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        _populate(engine)
        refresh_statistics(engine)
        assert {"files", "file_tags", "file_search_values"} <= _analysed_tables(engine)
    finally:
        engine.dispose()


def test_sqlite_connections_analyse_grown_tables_when_they_close(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        tables.metadata.create_all(engine)
        refresh_statistics(engine)  # a server started on an empty library
        assert "files" not in _analysed_tables(engine)
        _populate(engine)
        with engine.connect() as conn:
            conn.execute(_statement(COMBINED, "DESC_SIZE")).all()
        engine.dispose()  # closes the pooled connections
        assert {"files", "file_tags", "file_search_values"} <= _analysed_tables(engine)
    finally:
        engine.dispose()


def test_postgres_connections_price_random_reads_for_memory_or_ssd(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        for _ in range(2):  # still set after the pool's rollback on return
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SHOW random_page_cost").scalar_one() == "1.1"
    finally:
        engine.dispose()
