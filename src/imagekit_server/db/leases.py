"""Rows leased to one process at a time: the claim the job queue (`jobs/queue.py`) and the
webhook outbox (`webhooks/outbox.py`) share.

A leased table has ``id``, ``lease_owner`` and ``lease_expires_at`` columns. A row is claimed with
a conditional UPDATE (``WHERE id = ? AND <claimable>``, where claimable includes "no owner, or
the lease has expired"): of several processes racing for it exactly one sees a row count of 1.
If the owner dies, the lease expires and another process claims the row again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction, write_transaction


def unleased(table: sa.Table, now: datetime) -> sa.ColumnElement[bool]:
    """No process holds the row, or its lease has expired."""
    return sa.or_(table.c.lease_owner.is_(None), table.c.lease_expires_at < now)


def claim(
    engine: sa.Engine,
    table: sa.Table,
    owner: str,
    *,
    claimable: sa.ColumnElement[bool],
    order_by: sa.ColumnElement[Any],
    candidates: int,
    wanted: int,
    expires_at: datetime,
) -> list[Any]:
    """Lease to ``owner`` until ``expires_at`` up to ``wanted`` of the first ``candidates`` rows
    (in ``order_by``) that are ``claimable`` now: each in its own write transaction, so a row
    another process won in between is skipped. The rows as claimed, in order."""
    with read_transaction(engine) as conn:
        ids = list(
            conn.execute(
                sa.select(table.c.id).where(claimable).order_by(order_by).limit(candidates)
            ).scalars()
        )
    claimed: list[Any] = []
    for row_id in ids:
        if len(claimed) == wanted:
            break
        with write_transaction(engine) as conn:
            won = conn.execute(
                table.update()
                .where(table.c.id == row_id, claimable)
                .values(lease_owner=owner, lease_expires_at=expires_at)
            ).rowcount
            if won == 1:
                claimed.append(conn.execute(sa.select(table).where(table.c.id == row_id)).one())
    return claimed


def update_held(
    conn: sa.Connection, table: sa.Table, row_id: str, owner: str, values: dict[str, Any]
) -> bool:
    """Set ``values`` on the row if ``owner`` still holds it; whether it did."""
    updated = conn.execute(
        table.update().where(table.c.id == row_id, table.c.lease_owner == owner).values(**values)
    ).rowcount
    return bool(updated == 1)


def extended(now: datetime, lease_seconds: float) -> datetime:
    """When a lease taken or renewed at ``now`` expires."""
    return now + timedelta(seconds=lease_seconds)
