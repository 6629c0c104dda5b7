"""Engine creation for SQLite (WAL, one writer at a time) and PostgreSQL (psycopg 3).

SQLite transactions are started explicitly: ``BEGIN`` for reads and ``BEGIN IMMEDIATE`` for
writes (see ``write_transaction``), so two writers queue on the busy timeout instead of failing
with "database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from imagekit_server.db.sqlite_functions import install_search_functions

_WRITE_OPTION = "imagekit_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Rows ANALYZE samples per index on SQLite: approximate statistics in milliseconds at any size.
SQLITE_ANALYSIS_LIMIT = 1000
# PostgreSQL's default (4) prices a random page read for spinning disks: with the library in
# memory or on SSD it makes the planner scan all of `files` instead of looking up the few
# thousand ids a tag or metadata search selects (several times slower).
POSTGRES_RANDOM_PAGE_COST = 1.1


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and select the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str) -> sa.Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _create_sqlite_engine(url)
    engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Outside a transaction, so that no rollback undoes it.
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET random_page_cost = {POSTGRES_RANDOM_PAGE_COST}")
        dbapi_connection.autocommit = False

    return engine


def _create_sqlite_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the driver) decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.close()
        # Unicode lower() so case-insensitive search agrees with PostgreSQL.
        install_search_functions(dbapi_connection)

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection: Any, _record: Any) -> None:
        # SQLite's advice for keeping statistics current: before closing, re-analyse the
        # tables this connection used that grew (25-fold) since they were last analysed.
        # Statistics only speed queries up: closing must not fail for them.
        with suppress(sqlite3.Error):
            dbapi_connection.execute("PRAGMA optimize")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


@contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that will write: takes SQLite's write lock up front."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            yield conn


# The first key of the advisory locks taken on PostgreSQL by ``library_transaction`` and
# ``file_transaction`` ("IK"); the second is the account id's hash, so accounts whose hashes
# collide merely share a queue.
LIBRARY_LOCK_SPACE = 0x494B


@contextmanager
def library_transaction(engine: sa.Engine, account_id: str) -> Iterator[sa.Connection]:
    """A write transaction that changes the shape of an account's library: which paths hold
    which files (copies, moves, renames, deletions, folders and folder jobs). SQLite runs
    one write transaction at a time anyway; on PostgreSQL these take the account's advisory
    lock exclusively first, so they run alone among the account's library writes. Without it
    two requests could both find a path free and then collide taking it (a unique-key
    violation: a 500), and two transactions locking the same files in different orders
    (deleting a folder while moving a file out of it) could wait on each other (a deadlock).
    Reads, and other accounts, are not held up."""
    with _account_locked(engine, account_id, "pg_advisory_xact_lock") as conn:
        yield conn


@contextmanager
def file_transaction(engine: sa.Engine, account_id: str) -> Iterator[sa.Connection]:
    """A write transaction that changes files where they are: uploads (a new file or a new
    version at one path), a file's versions, tags, details and extension results. These lock
    the rows of the files they change (several in id order) and take the account's lock in
    shared mode on PostgreSQL: they run side by side, and wait only while a
    ``library_transaction`` runs."""
    with _account_locked(engine, account_id, "pg_advisory_xact_lock_shared") as conn:
        yield conn


@contextmanager
def _account_locked(engine: sa.Engine, account_id: str, function: str) -> Iterator[sa.Connection]:
    with write_transaction(engine) as conn:
        if not is_sqlite(engine):
            conn.execute(
                sa.text(f"SELECT {function}(:space, hashtext(:account))"),
                {"space": LIBRARY_LOCK_SPACE, "account": account_id},
            )
        yield conn


def refresh_statistics(engine: sa.Engine) -> None:
    """Give SQLite's query planner current table statistics (PostgreSQL's autovacuum keeps
    its own). Without them SQLite guesses, and e.g. walks `files` in size order testing
    every row instead of looking up the ids a tag search selects. Connections keep them
    current as the library grows by running ``PRAGMA optimize`` when they close."""
    if not is_sqlite(engine):
        return
    with write_transaction(engine) as conn:
        conn.exec_driver_sql("ANALYZE")  # our connections sample SQLITE_ANALYSIS_LIMIT rows


@contextmanager
def read_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that only reads, from one snapshot of the database: SQLite's reads see
    one (WAL); PostgreSQL's default (READ COMMITTED) lets each statement see what committed
    since the one before (a file found, then its current version gone), so reads there run
    at REPEATABLE READ, which never fails a transaction that does not write."""
    with engine.connect() as conn:
        if not is_sqlite(engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn
