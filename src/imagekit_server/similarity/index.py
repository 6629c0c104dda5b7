"""Keeping ``phash_bands`` in step with ``files`` without a hook in every write path.

Every write to a file (upload, overwrite, restore, copy, move) sets ``files.updated_at``; the
index re-reads the files updated since its watermark (minus a slack for transactions that
committed late) before each query, through the ``(account_id, updated_at)`` index. Deleted
files leave through the foreign key's ON DELETE CASCADE. Re-indexing a file is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import files, phash_bands, phash_index_state
from imagekit_server.db.times import to_utc
from imagekit_server.similarity.bands import bands_of, phash_int

SLACK = timedelta(seconds=60)
BATCH = 500


def refresh_index(engine: sa.Engine, account_id: str) -> int:
    """Index the account's files changed since the last refresh; returns how many were read."""
    with write_transaction(engine) as conn:
        since = conn.execute(
            sa.select(phash_index_state.c.indexed_until).where(
                phash_index_state.c.account_id == account_id
            )
        ).scalar()
        query = sa.select(
            files.c.id, files.c.file_type, files.c.metadata, files.c.updated_at
        ).where(files.c.account_id == account_id)
        if since is not None:
            query = query.where(files.c.updated_at >= to_utc(since) - SLACK)
        rows = conn.execute(query).all()
        for start in range(0, len(rows), BATCH):
            _reindex(conn, account_id, rows[start : start + BATCH])
        if rows:
            _advance(conn, account_id, since, max(to_utc(row.updated_at) for row in rows))
    return len(rows)


def _reindex(conn: sa.Connection, account_id: str, rows: Sequence[Any]) -> None:
    conn.execute(phash_bands.delete().where(phash_bands.c.file_id.in_([row.id for row in rows])))
    inserts = []
    for row in rows:
        phash = (row.metadata or {}).get("pHash") if row.file_type == "image" else None
        value = phash_int(phash) if isinstance(phash, str) else None
        if value is None or not isinstance(phash, str):
            continue
        for band, band_value in enumerate(bands_of(value)):
            inserts.append(
                {
                    "file_id": row.id,
                    "band": band,
                    "account_id": account_id,
                    "value": band_value,
                    "phash": phash.lower(),
                }
            )
    if inserts:
        conn.execute(phash_bands.insert(), inserts)


def _advance(conn: sa.Connection, account_id: str, since: datetime | None, until: datetime) -> None:
    if since is None:
        conn.execute(phash_index_state.insert().values(account_id=account_id, indexed_until=until))
    elif until > to_utc(since):
        conn.execute(
            phash_index_state.update()
            .where(phash_index_state.c.account_id == account_id)
            .values(indexed_until=until)
        )
