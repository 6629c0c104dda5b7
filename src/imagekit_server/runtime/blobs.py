"""The life of an original's blob, so that no file is ever half-written or leaks its bytes.

Storing: insert a ``blob_intents`` row (committed), put the blob, then the caller commits the
file/version rows *and* removes the intent in one transaction (``clear_intent``). Deleting:
in the transaction that removes the rows, intents are added for their blobs
(``intend_removal``); after commit the blobs and then the intents are removed
(``remove_blobs``). A crash at any point leaves an intent, which start-up recovery and
``imagekit-server fsck`` resolve.

Keys are ``originals/<account>/<lease token>_<random id>``: the lease token names the process
that wrote the blob (see ``runtime/process_lease.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import blob_intents
from imagekit_server.ids import new_id
from imagekit_server.storage import BlobStore

ORIGINALS_PREFIX = "originals/"
_KEY_PATTERN = re.compile(r"originals/[^/]+/(?P<lease>[0-9a-f]+)_[0-9a-f]{24}")


def new_blob_key(account_id: str, lease_token: str) -> str:
    return f"{ORIGINALS_PREFIX}{account_id}/{lease_token}_{new_id()}"


def lease_of(blob_key: str) -> str | None:
    match = _KEY_PATTERN.fullmatch(blob_key)
    return match.group("lease") if match else None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def put_with_intent(
    engine: sa.Engine, store: BlobStore, key: str, source: Path, account_id: str
) -> None:
    """Record the intent, then store the blob. On failure the blob and the intent are gone."""
    with write_transaction(engine) as conn:
        conn.execute(
            blob_intents.insert().values(blob_key=key, account_id=account_id, created_at=_now())
        )
    try:
        store.put_file(key, source)
    except BaseException:
        discard(engine, store, [key])
        raise


def clear_intent(conn: sa.Connection, key: str) -> None:
    conn.execute(blob_intents.delete().where(blob_intents.c.blob_key == key))


def intend_removal(conn: sa.Connection, keys: Sequence[str], account_id: str) -> None:
    if keys:
        now = _now()
        rows = [{"blob_key": key, "account_id": account_id, "created_at": now} for key in keys]
        conn.execute(blob_intents.insert(), rows)


def discard(engine: sa.Engine, store: BlobStore, keys: Sequence[str]) -> None:
    """Delete blobs, then their intents (after ``intend_removal`` committed, or a failed put)."""
    for key in keys:
        store.delete(key)
    if keys:
        with write_transaction(engine) as conn:
            conn.execute(blob_intents.delete().where(blob_intents.c.blob_key.in_(list(keys))))
