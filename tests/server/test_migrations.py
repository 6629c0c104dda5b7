"""Alembic migrations: the initial revision matches ``tables.py`` exactly, and concurrent
migrators (several processes starting at once) end at head without errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from imagekit_server.db.engine import create_engine
from imagekit_server.db.migrate import current_revision, head_revision, upgrade_to_head
from imagekit_server.db.tables import metadata
from tests.fixtures.live_server import fresh_postgres_database


def test_migrated_schema_matches_the_tables_module(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        upgrade_to_head(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
        assert differences == []
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        upgrade_to_head(engine)
        upgrade_to_head(engine)
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        assert set(metadata.tables) <= tables
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody has migrated yet (a new one per test, on both backends)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    url, drop = fresh_postgres_database()
    try:
        yield url
    finally:
        drop()


def test_concurrent_migrators(empty_database_url: str) -> None:
    database_url = empty_database_url
    program = (
        "import sys\n"
        "from imagekit_server.db.engine import create_engine\n"
        "from imagekit_server.db.migrate import upgrade_to_head\n"
        "engine = create_engine(sys.argv[1])\n"
        "upgrade_to_head(engine)\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", program, database_url], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr.decode()
    engine = create_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
