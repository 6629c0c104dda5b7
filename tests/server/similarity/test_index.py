"""The banded pHash index against brute force, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from imagekit_server.accounts import create_account
from imagekit_server.db.engine import create_engine, write_transaction
from imagekit_server.db.migrate import upgrade_to_head
from imagekit_server.db.tables import files
from imagekit_server.similarity import duplicate_groups, hamming, refresh_index, similar_files
from imagekit_server.similarity.bands import bands_of, neighbours

ACCOUNT = "acme"


def _row(file_id: str, phash: int, when: datetime, folder: str = "/f") -> dict[str, Any]:
    return {
        "id": file_id,
        "account_id": ACCOUNT,
        "folder_path": folder,
        "name": f"{file_id}.png",
        "file_path": f"{folder}/{file_id}.png",
        "current_version_id": file_id,
        "version_number": 1,
        "blob_key": "k",
        "file_type": "image",
        "format": "png",
        "mime": "image/png",
        "size": 1,
        "has_alpha": False,
        "etag": "e",
        "is_private": False,
        "is_published": True,
        "custom_metadata": {},
        "metadata": {"pHash": f"{phash:016x}"},
        "created_at": when,
        "updated_at": when,
    }


def _flip(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(database_url)
    upgrade_to_head(engine)
    with write_transaction(engine) as conn:
        create_account(conn, ACCOUNT, public_key="pub", private_key="priv")
    yield engine
    engine.dispose()


def test_bands_and_neighbours() -> None:
    assert bands_of(0x0123456789ABCDEF) == [0x0123, 0x4567, 0x89AB, 0xCDEF]
    assert len(neighbours(0, 1)) == 17 and len(set(neighbours(5, 2))) == 137
    assert all(hamming(5, value) <= 2 for value in neighbours(5, 2))


def test_similar_files_equal_brute_force_at_every_distance(engine: sa.Engine) -> None:
    rng = random.Random(7)
    now = datetime.now(timezone.utc)
    hashes: dict[str, int] = {}
    for cluster in range(20):
        centre = rng.getrandbits(64)
        for member in range(10):
            hashes[f"{cluster:02d}{member:022d}"] = _flip(centre, rng.randint(0, 14), rng)
    with write_transaction(engine) as conn:
        conn.execute(files.insert(), [_row(fid, value, now) for fid, value in hashes.items()])
    assert refresh_index(engine, ACCOUNT) == len(hashes)
    for query in list(hashes)[::7]:
        for distance in (0, 3, 7, 11):
            expected = sorted(
                (hamming(hashes[query], value), fid)
                for fid, value in hashes.items()
                if fid != query and hamming(hashes[query], value) <= distance
            )
            found = similar_files(engine, ACCOUNT, query, distance, limit=1000)
            assert found is not None
            assert [(match.distance, match.file_id) for match in found] == expected


def test_the_index_follows_changes_and_deletes(engine: sa.Engine) -> None:
    now = datetime.now(timezone.utc)
    with write_transaction(engine) as conn:
        conn.execute(
            files.insert(),
            [_row("a" * 24, 0xFF, now), _row("b" * 24, 0xFF, now), _row("c" * 24, 0xF0F0, now)],
        )
    refresh_index(engine, ACCOUNT)
    groups = duplicate_groups(engine, ACCOUNT, "/", 3)
    assert [group.file_ids for group in groups] == [["a" * 24, "b" * 24]]
    later = now + timedelta(seconds=5)
    with write_transaction(engine) as conn:
        conn.execute(
            files.update()
            .where(files.c.id == "c" * 24)
            .values(metadata={"pHash": f"{0xFE:016x}"}, updated_at=later)
        )
        conn.execute(files.delete().where(files.c.id == "b" * 24))
    refresh_index(engine, ACCOUNT)
    found = similar_files(engine, ACCOUNT, "a" * 24, 3)
    assert found is not None
    assert [(match.file_id, match.distance) for match in found] == [("c" * 24, 1)]
    assert similar_files(engine, ACCOUNT, "b" * 24, 3) is None
