"""Consistency between the database and the blob store.

Finds blobs under ``originals/`` that no version row references (orphans), intents left by
dead processes or older than ``STALE_INTENT_SECONDS`` (unfinished writes or deletions), and
version rows whose blob is missing. ``repair`` deletes orphans and resolves stale intents; a
missing blob cannot be repaired and is only reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import blob_intents, file_versions
from imagekit_server.files.blobs import ORIGINALS_PREFIX, lease_of
from imagekit_server.process_lease import lease_is_dead

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext

STALE_INTENT_SECONDS = 3600


@dataclass
class FsckReport:
    orphan_blobs: list[str] = field(default_factory=list)
    stale_intents: list[str] = field(default_factory=list)
    missing_blobs: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.orphan_blobs or self.stale_intents or self.missing_blobs)

    def lines(self) -> list[str]:
        return (
            [f"orphan blob: {key}" for key in self.orphan_blobs]
            + [f"stale intent: {key}" for key in self.stale_intents]
            + [f"missing blob: {key}" for key in self.missing_blobs]
        )


def _referenced_keys(conn: sa.Connection) -> set[str]:
    return {row.blob_key for row in conn.execute(sa.select(file_versions.c.blob_key))}


def _intents(conn: sa.Connection) -> dict[str, datetime]:
    rows = conn.execute(sa.select(blob_intents.c.blob_key, blob_intents.c.created_at)).all()
    return {row.blob_key: _aware(row.created_at) for row in rows}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _intent_is_stale(context: ServerContext, key: str, created_at: datetime) -> bool:
    lease = lease_of(key)
    if lease == context.lease.token:
        return False
    dead = lease_is_dead(context.lease.run_dir, lease) if lease else None
    if dead is not None:
        return dead
    age = datetime.now(timezone.utc) - created_at
    return age > timedelta(seconds=STALE_INTENT_SECONDS)


def check(context: ServerContext) -> FsckReport:
    report = FsckReport()
    with read_transaction(context.engine) as conn:
        referenced = _referenced_keys(conn)
        intents = _intents(conn)
    for key, created_at in sorted(intents.items()):
        if key in referenced or _intent_is_stale(context, key, created_at):
            report.stale_intents.append(key)
    candidates = [
        key
        for key in context.store.list_keys(ORIGINALS_PREFIX)
        if key not in referenced and key not in intents
    ]
    # Uploads that started after the first snapshot: look again before calling them orphans.
    with read_transaction(context.engine) as conn:
        referenced = _referenced_keys(conn)
        intents = _intents(conn)
    report.orphan_blobs = [key for key in candidates if key not in referenced | intents.keys()]
    report.missing_blobs = sorted(key for key in referenced if not context.store.exists(key))
    return report


def repair(context: ServerContext, report: FsckReport) -> None:
    for key in report.orphan_blobs:
        context.store.delete(key)
    for key in report.stale_intents:
        _resolve_intent(context, key)


def _resolve_intent(context: ServerContext, key: str) -> None:
    """A referenced blob keeps its bytes (the intent is leftover); otherwise the unfinished
    write or deletion is completed by deleting the blob."""
    with write_transaction(context.engine) as conn:
        referenced = conn.execute(
            sa.select(file_versions.c.id).where(file_versions.c.blob_key == key).limit(1)
        ).first()
        if referenced is None:
            context.store.delete(key)
        conn.execute(blob_intents.delete().where(blob_intents.c.blob_key == key))


def recover_dead_intents(context: ServerContext) -> int:
    """Start-up recovery: resolve intents of dead processes. Returns how many."""
    with read_transaction(context.engine) as conn:
        intents = _intents(conn)
    stale = [key for key, created in intents.items() if _intent_is_stale(context, key, created)]
    for key in stale:
        _resolve_intent(context, key)
    return len(stale)
