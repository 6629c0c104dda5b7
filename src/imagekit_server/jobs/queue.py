"""The ``bulk_jobs`` table as a queue of leased jobs.

A job is claimed with a conditional UPDATE (``WHERE id = ? AND (lease_owner IS NULL OR
lease_expires_at < now)``, db/leases.py): of several processes racing for it exactly one sees a
row count of 1. The owner renews the lease in the same UPDATE that records each batch's
progress; if it dies, the lease expires and another process (or the same one after a restart)
resumes the job from the last committed cursor.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.db import leases
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import bulk_jobs
from imagekit_server.ids import new_id

PENDING = "Pending"
COMPLETED = "Completed"
LEASE_SECONDS = 30.0
# Pending jobs a claim tries, oldest first, when others win the race for the first.
_CANDIDATES = 5


class LeaseLost(Exception):
    """Another process took the job over (this one stalled past its lease)."""


@dataclass(frozen=True)
class Job:
    id: str
    account_id: str
    type: str
    params: dict[str, Any]
    progress: dict[str, Any]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _job(row: Any) -> Job:
    return Job(row.id, row.account_id, row.type, dict(row.params), dict(row.progress or {}))


def submit(conn: sa.Connection, account_id: str, job_type: str, params: dict[str, Any]) -> str:
    job_id = new_id()
    now = _now()
    conn.execute(
        bulk_jobs.insert().values(
            id=job_id,
            account_id=account_id,
            type=job_type,
            status=PENDING,
            params=params,
            progress={},
            created_at=now,
            updated_at=now,
        )
    )
    return job_id


def claim_next(
    engine: sa.Engine,
    owner: str,
    lease_seconds: float = LEASE_SECONDS,
    types: Collection[str] | None = None,
) -> Job | None:
    """Lease the oldest claimable pending job (of one of ``types``, if given) for ``owner``."""
    now = _now()
    claimed = leases.claim(
        engine,
        bulk_jobs,
        owner,
        claimable=sa.and_(
            bulk_jobs.c.status == PENDING,
            leases.unleased(bulk_jobs, now),
            bulk_jobs.c.type.in_(list(types)) if types is not None else sa.true(),
        ),
        order_by=bulk_jobs.c.created_at,
        candidates=_CANDIDATES,
        wanted=1,
        expires_at=leases.extended(now, lease_seconds),
    )
    return _job(claimed[0]) if claimed else None


def record_progress(
    conn: sa.Connection,
    job_id: str,
    owner: str,
    progress: dict[str, Any],
    lease_seconds: float = LEASE_SECONDS,
) -> None:
    """Save the cursor and renew the lease, in the batch's own transaction; raises
    ``LeaseLost`` (rolling the batch back) when ``owner`` no longer holds the job."""
    now = _now()
    values = {
        "progress": progress,
        "lease_expires_at": leases.extended(now, lease_seconds),
        "updated_at": now,
    }
    if not leases.update_held(conn, bulk_jobs, job_id, owner, values):
        raise LeaseLost(job_id)


def renew(engine: sa.Engine, job_id: str, owner: str, lease_seconds: float = LEASE_SECONDS) -> bool:
    """Extend ``owner``'s lease; False when the job is no longer leased to it."""
    with write_transaction(engine) as conn:
        return leases.update_held(
            conn,
            bulk_jobs,
            job_id,
            owner,
            {"lease_expires_at": leases.extended(_now(), lease_seconds)},
        )


def complete(conn: sa.Connection, job_id: str, owner: str, result: dict[str, Any]) -> None:
    values = {
        "status": COMPLETED,
        "result": result,
        "purge_request_id": result.get("purgeRequestId"),
        "lease_owner": None,
        "lease_expires_at": None,
        "updated_at": _now(),
    }
    if not leases.update_held(conn, bulk_jobs, job_id, owner, values):
        raise LeaseLost(job_id)


def release(engine: sa.Engine, job_id: str, owner: str) -> None:
    """Give a job back (e.g. on shutdown) so another process can claim it at once."""
    with write_transaction(engine) as conn:
        leases.update_held(
            conn, bulk_jobs, job_id, owner, {"lease_owner": None, "lease_expires_at": None}
        )


def job_status(engine: sa.Engine, account_id: str, job_id: str) -> dict[str, Any] | None:
    """The docs/reference/api.md §2.6 status object, or None for an unknown job."""
    with read_transaction(engine) as conn:
        row = conn.execute(
            sa.select(bulk_jobs).where(
                bulk_jobs.c.account_id == account_id, bulk_jobs.c.id == job_id
            )
        ).first()
    if row is None:
        return None
    status: dict[str, Any] = {"jobId": row.id, "type": row.type, "status": row.status}
    if row.purge_request_id:
        status["purgeRequestId"] = row.purge_request_id
    return status
