"""Blob intents left by unfinished writes and deletions: which are stale, and resolving them.

Start-up recovery (``context.open_context``) and ``files.fsck`` both need this; it lives below
both so that the context does not import the fsck command (which works on a context).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import blob_intents, file_versions
from imagekit_server.runtime.blobs import lease_of
from imagekit_server.runtime.process_lease import ProcessLease, lease_is_dead
from imagekit_server.storage import BlobStore

STALE_INTENT_SECONDS = 3600


def read_intents(conn: sa.Connection) -> dict[str, datetime]:
    rows = conn.execute(sa.select(blob_intents.c.blob_key, blob_intents.c.created_at)).all()
    return {row.blob_key: _aware(row.created_at) for row in rows}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def intent_is_stale(lease: ProcessLease, key: str, created_at: datetime) -> bool:
    """An intent of a dead process, or older than ``STALE_INTENT_SECONDS`` when its process
    cannot be told; never one of this process (``lease``)."""
    owner = lease_of(key)
    if owner == lease.token:
        return False
    dead = lease_is_dead(lease.run_dir, owner) if owner else None
    if dead is not None:
        return dead
    age = datetime.now(timezone.utc) - created_at
    return age > timedelta(seconds=STALE_INTENT_SECONDS)


def resolve_intent(engine: sa.Engine, store: BlobStore, key: str) -> None:
    """A referenced blob keeps its bytes (the intent is leftover); otherwise the unfinished
    write or deletion is completed by deleting the blob."""
    with write_transaction(engine) as conn:
        referenced = conn.execute(
            sa.select(file_versions.c.id).where(file_versions.c.blob_key == key).limit(1)
        ).first()
        if referenced is None:
            store.delete(key)
        conn.execute(blob_intents.delete().where(blob_intents.c.blob_key == key))


def recover_dead_intents(engine: sa.Engine, store: BlobStore, lease: ProcessLease) -> int:
    """Start-up recovery: resolve intents of dead processes. Returns how many."""
    with read_transaction(engine) as conn:
        intents = read_intents(conn)
    stale = [key for key, created in intents.items() if intent_is_stale(lease, key, created)]
    for key in stale:
        resolve_intent(engine, store, key)
    return len(stale)
