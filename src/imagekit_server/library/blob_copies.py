"""Copy original blobs for file and folder copies, crash-safely.

Each new blob gets a ``blob_intents`` row (committed) before ``BlobStore.copy`` writes it;
the transaction that commits the rows using the blob must ``blobs.clear_intent`` it, and a
failure before that must ``blobs.discard`` it. A crash in between leaves intents that
start-up recovery and fsck resolve (the key names this process's lease).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import blob_intents
from imagekit_server.runtime import blobs


def copy_blobs(context: ServerContext, account_id: str, keys: Iterable[str]) -> dict[str, str]:
    """New copies of the blobs; returns old key -> new key. On failure nothing is left."""
    copies = {key: blobs.new_blob_key(account_id, context.lease.token) for key in keys}
    if not copies:
        return copies
    now = datetime.now(timezone.utc)
    with write_transaction(context.engine) as conn:
        conn.execute(
            blob_intents.insert(),
            [
                {"blob_key": new, "account_id": account_id, "created_at": now}
                for new in copies.values()
            ],
        )
    try:
        for old, new in copies.items():
            context.store.copy(old, new)
    except BaseException:
        blobs.discard(context.engine, context.store, list(copies.values()))
        raise
    return copies
