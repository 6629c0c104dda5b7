"""The database contract: the same record operations behave identically on SQLite and
PostgreSQL (``database_url`` runs each test on both)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from imagekit_server import accounts as accounts_module
from imagekit_server.accounts import (
    Account,
    AccountDirectory,
    AccountExists,
    create_account,
    ensure_account,
    get_account,
)
from imagekit_server.db.engine import create_engine, read_transaction, write_transaction
from imagekit_server.db.migrate import upgrade_to_head
from imagekit_server.db.tables import accounts, file_tags, folders
from imagekit_server.files import records
from imagekit_server.files.listing import parse_list_query, select_files, select_folders

NOW = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(database_url)
    upgrade_to_head(engine)
    with write_transaction(engine) as conn:
        # The PostgreSQL database lives for the session: start each test from empty tables.
        for table in (
            "file_search_values",
            "file_tags",
            "file_versions",
            "files",
            "folders",
            "upload_tokens",
            "blob_intents",
            "custom_metadata_fields",
            "accounts",
        ):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    yield engine
    engine.dispose()


def _content(key: str, size: int = 10, width: int | None = 4) -> records.Content:
    return records.Content(
        blob_key=key,
        file_type="image",
        format="png",
        mime="image/png",
        size=size,
        etag="e" * 64,
        width=width,
        height=width,
        has_alpha=False,
    )


def _create(engine: sa.Engine, account: str, folder: str, name: str, **kw: object) -> str:
    with write_transaction(engine) as conn:
        return records.create_file(
            conn,
            account_id=account,
            folder=folder,
            name=name,
            content=_content(f"originals/{account}/{name}"),
            attributes=records.Attributes(**kw),  # type: ignore[arg-type]
            field_types={},
            now=NOW,
        )


def test_accounts_are_created_once_and_keys_are_unique(engine: sa.Engine) -> None:
    account, created = ensure_account(engine, "acme", public_key="pub_a", private_key="priv_a")
    assert created and account.private_key == "priv_a"
    again, created_again = ensure_account(engine, "acme")
    assert not created_again and again == account
    rotated, _ = ensure_account(engine, "acme", private_key="priv_b")
    assert rotated.private_key == "priv_b"
    with write_transaction(engine) as conn, pytest.raises(AccountExists):
        create_account(conn, "other", private_key="priv_b")
    with read_transaction(engine) as conn:
        assert get_account(conn, "other") is None
    directory = AccountDirectory(engine)
    assert directory.by_private_key("priv_b") == rotated
    assert directory.by_public_key("pub_a") == rotated
    assert directory.by_id("nobody") is None


def test_a_stale_directory_answers_at_once_and_reloads_in_the_background(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_account(engine, "first", public_key="pub_1", private_key="priv_1")
    directory = AccountDirectory(engine, ttl_seconds=0.2)
    assert directory.by_private_key("priv_1") is not None
    with write_transaction(engine) as conn:  # another process rotates the key
        conn.execute(accounts.update().where(accounts.c.id == "first").values(private_key="priv_2"))
    release = threading.Event()
    real_list = accounts_module.list_accounts

    def slow_list(conn: sa.Connection) -> list[Account]:
        release.wait(5)
        return real_list(conn)

    monkeypatch.setattr(accounts_module, "list_accounts", slow_list)
    time.sleep(0.3)
    started = time.monotonic()
    # Stale: answered from memory while a thread reloads (and is held up).
    assert directory.by_private_key("priv_1") is not None
    assert directory.by_private_key("priv_1") is not None
    assert time.monotonic() - started < 1
    release.set()
    deadline = time.monotonic() + 5
    while directory.by_private_key("priv_2") is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert directory.by_private_key("priv_2") is not None
    assert directory.by_private_key("priv_1") is None


def test_files_folders_versions_and_isolation(engine: sa.Engine) -> None:
    for account in ("one", "two"):
        ensure_account(engine, account)
    first = _create(engine, "one", "/a/b", "x.png", tags=["t1", "t2"])
    _create(engine, "two", "/a/b", "x.png")  # same path, other account: no conflict
    with read_transaction(engine) as conn:
        row = records.find_by_path(conn, "one", "/a/b/x.png")
        assert row is not None and row.id == first and row.version_number == 1
        assert row.created_at.astimezone(timezone.utc) == NOW
        assert row.tags == ["t1", "t2"]
        paths = (
            conn.execute(
                sa.select(folders.c.path)
                .where(folders.c.account_id == "one")
                .order_by(folders.c.path)
            )
            .scalars()
            .all()
        )
        assert paths == ["/a", "/a/b"]
        tags = conn.execute(sa.select(file_tags.c.tag).where(file_tags.c.file_id == first))
        assert sorted(tags.scalars()) == ["t1", "t2"]
        assert records.find_by_id(conn, "two", first) is None
    with write_transaction(engine) as conn:
        existing = records.find_by_id(conn, "one", first)
        version = records.add_version(
            conn,
            existing,
            content=_content("originals/one/v2", size=99),
            attributes=records.Attributes(tags=["t3"]),
            field_types={},
            now=NOW + timedelta(seconds=1),
        )
    with read_transaction(engine) as conn:
        row = records.find_by_id(conn, "one", first)
        assert (row.current_version_id, row.version_number, row.size) == (version, 2, 99)
        assert records.blob_keys_of(conn, [first]) == ["originals/one/v2", "originals/one/x.png"]
        assert records.find_version(conn, "one", first) is not None
    with write_transaction(engine) as conn:
        records.delete_files(conn, "one", [first])
    with read_transaction(engine) as conn:
        assert records.find_by_id(conn, "one", first) is None
        assert records.blob_keys_of(conn, [first]) == []
        assert conn.execute(sa.select(file_tags).where(file_tags.c.file_id == first)).all() == []


def test_duplicate_path_is_an_integrity_error(engine: sa.Engine) -> None:
    ensure_account(engine, "one")
    _create(engine, "one", "/", "dup.png")
    with pytest.raises(sa.exc.IntegrityError):
        _create(engine, "one", "/", "dup.png")


def test_listing_queries(engine: sa.Engine) -> None:
    ensure_account(engine, "one")
    _create(engine, "one", "/p", "b.png", tags=["x"])
    _create(engine, "one", "/p", "a.png")
    _create(engine, "one", "/p/q", "c.png", tags=["x"])
    query = parse_list_query({"path": "/p/", "sort": "ASC_NAME"})
    with read_transaction(engine) as conn:
        names = [r.name for r in conn.execute(select_files("one", query, offset=0, limit=10))]
        assert names == ["a.png", "b.png"]
        tagged = parse_list_query({"tags": "x", "sort": "DESC_NAME"})
        names = [r.name for r in conn.execute(select_files("one", tagged, offset=0, limit=10))]
        assert names == ["c.png", "b.png"]
        sub = [
            r.path for r in conn.execute(select_folders("one", parse_list_query({"path": "/p"})))
        ]
        assert sub == ["/p/q"]


def test_concurrent_writers_queue_instead_of_failing(engine: sa.Engine) -> None:
    ensure_account(engine, "one")
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            for step in range(5):
                _create(engine, "one", f"/w{index}", f"f{step}.png")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    query = parse_list_query({})
    with read_transaction(engine) as conn:
        assert len(conn.execute(select_files("one", query, offset=0, limit=100)).all()) == 20


def test_a_blob_shared_by_another_file_is_not_released(engine: sa.Engine) -> None:
    ensure_account(engine, "one")
    first = _create(engine, "one", "/", "a.png")
    with write_transaction(engine) as conn:
        shared = records.find_by_id(conn, "one", first).blob_key
        records.create_file(
            conn, account_id="one", folder="/", name="b.png", content=_content(shared),
            attributes=records.Attributes(), field_types={}, now=NOW,
        )  # fmt: skip
        records.delete_files(conn, "one", [first])
        assert records.unreferenced_keys(conn, [shared, "originals/one/gone"]) == [
            "originals/one/gone"
        ]
