"""Copy original blobs for file and folder copies, crash-safely.

Each new blob gets a ``blob_intents`` row (committed) before ``BlobStore.copy`` writes it;
the transaction that commits the rows using the blob must ``blobs.clear_intent`` it, and a
failure before that must ``blobs.discard`` it. A crash in between leaves intents that
start-up recovery and fsck resolve (the key names this process's lease).

What to copy is read before the copy, outside the transaction that places the copies (copying
bytes inside it would hold the write lock for as long). A file deleted in between loses its
blobs once that deletion commits, so ``copy_read`` reads again when a blob has gone, and
copies only what the new reading adds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TypeVar

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import blob_intents
from imagekit_server.runtime import blobs
from imagekit_server.storage.base import BlobNotFound

READ_ATTEMPTS = 5  # a blob still missing after this many readings is really gone
Read = TypeVar("Read")


def copy_read(
    context: ServerContext,
    account_id: str,
    read: Callable[[], Read],
    keys_of: Callable[[Read], Iterable[str]],
) -> tuple[Read, dict[str, str]]:
    """``read()`` (what to copy, from the database) and new copies of the blobs ``keys_of``
    it names: old key -> new key. When some are gone by the time they are copied (their file
    was deleted, or lost those versions, after the reading), read again: the file may be gone
    now (``read`` raises its not-found error) or have other versions, and only blobs not
    copied yet are copied. A blob missing at every reading means a damaged store:
    ``BlobNotFound``. On failure no copy is left."""
    copies: dict[str, str] = {}
    try:
        for _ in range(READ_ATTEMPTS):
            found = read()
            wanted = list(dict.fromkeys(keys_of(found)))
            missing = _copy_present(
                context, account_id, [k for k in wanted if k not in copies], copies
            )
            if not missing:
                unwanted = [copies.pop(key) for key in set(copies) - set(wanted)]
                blobs.discard(context.engine, context.store, unwanted)
                return found, copies
        raise BlobNotFound(missing[0])
    except BaseException:
        blobs.discard(context.engine, context.store, list(copies.values()))
        raise


def _copy_present(
    context: ServerContext, account_id: str, keys: list[str], copies: dict[str, str]
) -> list[str]:
    """Copy the blobs of ``keys`` that exist, adding them to ``copies``; returns the others."""
    new = {key: blobs.new_blob_key(account_id, context.lease.token) for key in keys}
    if not new:
        return []
    now = datetime.now(timezone.utc)
    with write_transaction(context.engine) as conn:
        conn.execute(
            blob_intents.insert(),
            [
                {"blob_key": key, "account_id": account_id, "created_at": now}
                for key in new.values()
            ],
        )
    missing = []
    try:
        for old, copy in new.items():
            try:
                context.store.copy(old, copy)
            except BlobNotFound:
                missing.append(old)
                continue
            copies[old] = copy
    except BaseException:
        blobs.discard(context.engine, context.store, [new[key] for key in new if key not in copies])
        raise
    blobs.discard(context.engine, context.store, [new[key] for key in missing])
    return missing
