"""Keep each account's derived images in the blob store within a byte budget.

Anyone can ask for new transformations of a public file (`w-1`, `w-2`, ...), and each one is
stored: without a bound, the URL endpoint would let strangers fill the disk. Every stored
variant has a row in ``derived_variants`` (size, last use). Delivery only notes in memory what
it stored and used (``derived_ledger.DerivedLedger``: a set add on a hit, no query); the periodic
flush (``flush_derived_ledger``, every ``Settings.usage_flush_seconds``) writes those notes and
then deletes the least recently used variants of any account over
``Settings.derived_cache_bytes`` until it is back under 90 % of it. An evicted variant is
simply rendered again when asked for.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import derived_variants
from imagekit_server.renditions.derived_ledger import LedgerBatch, derived_ledger
from imagekit_server.renditions.variant_purge import derived_prefix
from imagekit_server.storage import BlobNotFound, InvalidBlobKey

TRIM_TO = 0.9  # of the budget, so a full cache is not trimmed again on every flush


def flush_derived_ledger(context: ServerContext) -> int:
    """Write this process's notes, then trim every account that stored something; returns
    how many variants were evicted."""
    ledger = derived_ledger(context)
    batch = ledger.drain()
    if not (batch.saved or batch.used or batch.purged):
        return 0
    try:
        _write(context, batch, datetime.now(timezone.utc))
    except Exception:
        ledger.restore(batch)
        raise
    accounts = {account_id for account_id, _, _ in batch.saved}
    return sum(evict_over_budget(context, account_id) for account_id in sorted(accounts))


def _write(context: ServerContext, batch: LedgerBatch, now: datetime) -> None:
    table = derived_variants
    with write_transaction(context.engine) as conn:
        # Purges first: a variant stored again after the purge keeps its new row.
        for (account_id, file_id), when in batch.purged.items():
            conn.execute(
                table.delete().where(
                    table.c.account_id == account_id,
                    table.c.file_id == file_id,
                    table.c.last_used_at <= when,
                )
            )
        if batch.saved:
            rows = [
                {"account_id": a, "file_id": f, "name": n, "size": size, "last_used_at": now}
                for (a, f, n), size in batch.saved.items()
            ]
            conn.execute(_upsert(conn), rows)
        used = batch.used - batch.saved.keys()
        if used:
            conn.execute(
                table.update()
                .where(
                    table.c.account_id == sa.bindparam("a"),
                    table.c.file_id == sa.bindparam("f"),
                    table.c.name == sa.bindparam("n"),
                )
                .values(last_used_at=now),
                [{"a": a, "f": f, "n": n} for a, f, n in used],
            )


def _upsert(conn: sa.Connection) -> Any:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(derived_variants)
    return statement.on_conflict_do_update(
        index_elements=[
            derived_variants.c.account_id,
            derived_variants.c.file_id,
            derived_variants.c.name,
        ],
        set_={"size": statement.excluded.size, "last_used_at": statement.excluded.last_used_at},
    )


def stored_bytes(context: ServerContext, account_id: str) -> int:
    with read_transaction(context.engine) as conn:
        total = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(derived_variants.c.size), 0)).where(
                derived_variants.c.account_id == account_id
            )
        ).scalar_one()
    return int(total)


def evict_over_budget(context: ServerContext, account_id: str) -> int:
    """Delete the account's least recently used variants until they fit in 90 % of the
    budget; returns how many were deleted."""
    budget = context.settings.derived_cache_bytes
    total = stored_bytes(context, account_id)
    if total <= budget:
        return 0
    excess = total - int(budget * TRIM_TO)
    victims: list[tuple[str, str]] = []
    with read_transaction(context.engine) as conn:
        rows = conn.execute(
            sa.select(derived_variants.c.file_id, derived_variants.c.name, derived_variants.c.size)
            .where(derived_variants.c.account_id == account_id)
            .order_by(derived_variants.c.last_used_at, derived_variants.c.name)
        )
        for row in rows:
            if excess <= 0:
                break
            victims.append((row.file_id, row.name))
            excess -= row.size
    _delete(context, account_id, victims)
    return len(victims)


def _delete(context: ServerContext, account_id: str, victims: list[tuple[str, str]]) -> None:
    """Blobs first: a row without its blob is harmless, a blob without a row is not counted."""
    for file_id, name in victims:
        with contextlib.suppress(BlobNotFound, InvalidBlobKey):
            context.store.delete(derived_prefix(account_id, file_id) + name)
    table = derived_variants
    with write_transaction(context.engine) as conn:
        conn.execute(
            table.delete().where(
                table.c.account_id == account_id,
                table.c.file_id == sa.bindparam("f"),
                table.c.name == sa.bindparam("n"),
            ),
            [{"f": file_id, "n": name} for file_id, name in victims],
        )
