"""The work of COPY_FOLDER, MOVE_FOLDER and RENAME_FOLDER jobs, in resumable batches.

Params: ``source`` ("/a"), ``destination`` (the folder's new path, "/b/a"), ``mode``
("copy" | "move"), ``includeVersions`` and ``purgeCache``. Progress: ``phase`` ("files", then
"folders") and ``after`` (the last file id handled; files are taken in id order).

Each batch is one transaction that also records the cursor (``queue.record_progress``), so a
batch either happened completely, cursor included, or not at all: resuming after a crash
redoes nothing and skips nothing. Files that cannot go (the destination file would exceed the
version limit) stay where they are and are counted in the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.custom_metadata.values import field_types, load_schemas
from imagekit_server.db.engine import library_transaction, read_transaction, write_transaction
from imagekit_server.db.tables import files, folders
from imagekit_server.files import records
from imagekit_server.files.naming import join_path
from imagekit_server.jobs import queue
from imagekit_server.jobs.folder_moves import is_within, move_batch, relocated
from imagekit_server.jobs.queue import Job
from imagekit_server.library import file_copies
from imagekit_server.library.blob_copies import copy_read
from imagekit_server.library.purge import purge_path_prefix, record_request
from imagekit_server.library.subtree import files_under, folders_under
from imagekit_server.runtime import blobs

MOVE_BATCH_SIZE = 500
COPY_BATCH_SIZE = 100  # each copy writes rows and blobs: keep transactions short


def run_folder_transfer(
    context: ServerContext,
    job: Job,
    owner: str,
    *,
    should_stop: Callable[[], bool],
) -> bool:
    """Run the job from its cursor; True when completed, False when stopped early."""
    progress = dict(job.progress)
    lease = context.settings.job_lease_seconds
    copying = job.params["mode"] == "copy"
    batch_size = COPY_BATCH_SIZE if copying else MOVE_BATCH_SIZE
    while progress.get("phase", "files") == "files":
        if should_stop():
            return False
        with read_transaction(context.engine) as conn:
            rows = _next_files(conn, job, progress.get("after", ""), batch_size)
        if not rows:
            progress = {**progress, "phase": "folders"}
            with write_transaction(context.engine) as conn:
                queue.record_progress(conn, job.id, owner, progress, lease)
            continue
        file_ids = [row.id for row in rows]
        if copying:
            progress = _copy_batch(context, job, owner, file_ids, progress)
        else:
            progress = _move_batch(context, job, owner, file_ids, progress)
    _finish(context, job, owner, progress)
    return True


def _next_files(conn: sa.Connection, job: Job, after: str, limit: int) -> Sequence[Any]:
    query = (
        sa.select(files.c.id)
        .where(
            files.c.account_id == job.account_id,
            files_under(job.params["source"]),
            files.c.id > after,
        )
        .order_by(files.c.id)
        .limit(limit)
    )
    return conn.execute(query).all()


def _next_progress(
    progress: dict[str, Any], file_ids: Sequence[str], skipped: int
) -> dict[str, Any]:
    """The cursor after a batch of ``file_ids`` of which ``skipped`` stayed behind."""
    return {
        **progress,
        "after": file_ids[-1],
        "done": progress.get("done", 0) + len(file_ids) - skipped,
        "skipped": progress.get("skipped", 0) + skipped,
    }


def _move_batch(
    context: ServerContext, job: Job, owner: str, file_ids: Sequence[str], progress: dict[str, Any]
) -> dict[str, Any]:
    with library_transaction(context.engine, job.account_id) as conn:
        skipped = _move_files(conn, job, file_ids, datetime.now(timezone.utc))
        progress = _next_progress(progress, file_ids, skipped)
        queue.record_progress(conn, job.id, owner, progress, context.settings.job_lease_seconds)
    return progress


# The files of a copy batch still there, and each one's versions to copy (by file id).
_CopyBatch = tuple[list[Any], dict[str, list[file_copies.VersionCopy]]]


def _copy_batch(
    context: ServerContext, job: Job, owner: str, file_ids: Sequence[str], progress: dict[str, Any]
) -> dict[str, Any]:
    include = bool(job.params.get("includeVersions"))
    source = job.params["source"]

    def read() -> _CopyBatch:
        """The batch's files still there, and what to copy of each."""
        with read_transaction(context.engine) as conn:
            found = [records.find_by_id(conn, job.account_id, file_id) for file_id in file_ids]
            # not those deleted or moved out of the folder since the batch was listed
            rows = [row for row in found if row is not None and is_within(row.folder_path, source)]
            chains = {
                row.id: file_copies.version_chain(conn, row, all_versions=include) for row in rows
            }
        return rows, chains

    def keys_of(batch: _CopyBatch) -> list[str]:
        return [key for chain in batch[1].values() for key in file_copies.blob_keys(chain)]

    (rows, chains), new_keys = copy_read(context, job.account_id, read, keys_of)
    try:
        return _place_copies(context, job, owner, rows, chains, new_keys, file_ids, progress)
    except BaseException:
        blobs.discard(context.engine, context.store, list(new_keys.values()))
        raise


def _place_copies(
    context: ServerContext,
    job: Job,
    owner: str,
    rows: Sequence[Any],
    chains: dict[str, list[file_copies.VersionCopy]],
    new_keys: dict[str, str],
    file_ids: Sequence[str],
    progress: dict[str, Any],
) -> dict[str, Any]:
    source, destination = job.params["source"], job.params["destination"]
    unused: list[str] = []
    skipped = 0
    with library_transaction(context.engine, job.account_id) as conn:
        types = field_types(load_schemas(conn, job.account_id))
        now = datetime.now(timezone.utc)
        for row in rows:
            chain = file_copies.with_blobs(chains[row.id], new_keys)
            folder = relocated(row.folder_path, source, destination)
            if not file_copies.fits_at(
                conn, job.account_id, join_path(folder, row.name), len(chain)
            ):
                unused += [item.content.blob_key for item in chain]
                skipped += 1
                continue
            file_copies.place_versions(
                conn,
                account_id=job.account_id,
                folder=folder,
                name=row.name,
                chain=chain,
                field_types=types,
                now=now,
            )
        for key in set(new_keys.values()) - set(unused):
            blobs.clear_intent(conn, key)
        progress = _next_progress(progress, file_ids, skipped)
        queue.record_progress(conn, job.id, owner, progress, context.settings.job_lease_seconds)
    blobs.discard(context.engine, context.store, unused)
    return progress


def _finish(context: ServerContext, job: Job, owner: str, progress: dict[str, Any]) -> None:
    source, destination = job.params["source"], job.params["destination"]
    result: dict[str, Any] = {
        "filesTransferred": progress.get("done", 0),
        "filesSkipped": progress.get("skipped", 0),
    }
    if job.params.get("purgeCache"):
        purge_path_prefix(context, job.account_id, destination + "/")
        endpoint = context.settings.url_endpoint(job.account_id)
        result["purgeRequestId"] = record_request(context, job.account_id, f"{endpoint}{source}/*")
    with library_transaction(context.engine, job.account_id) as conn:
        now = datetime.now(timezone.utc)
        if job.params["mode"] == "move":
            moved, left = _move_stragglers(conn, job, now)
            result["filesTransferred"] += moved
            result["filesSkipped"] = left
        paths = conn.execute(
            sa.select(folders.c.path).where(
                folders.c.account_id == job.account_id, folders_under(source)
            )
        ).scalars()
        for path in [source, *paths]:
            records.ensure_folders(conn, job.account_id, relocated(path, source, destination), now)
        if job.params["mode"] == "move":
            _delete_emptied_folders(conn, job.account_id, source)
        queue.complete(conn, job.id, owner, result)


def _move_stragglers(conn: sa.Connection, job: Job, now: datetime) -> tuple[int, int]:
    """Move the files still in the source folder: those put there while the job ran (the
    cursor walks file ids, and new ids fall anywhere) and those the batches had to leave
    (which stay again). Runs in the finishing transaction, which holds the account's
    library lock, so none can arrive after it. Returns (moved, left behind)."""
    file_ids = list(
        conn.execute(
            sa.select(files.c.id).where(
                files.c.account_id == job.account_id, files_under(job.params["source"])
            )
        ).scalars()
    )
    if not file_ids:
        return 0, 0
    left = _move_files(conn, job, file_ids, now)
    return len(file_ids) - left, left


def _move_files(conn: sa.Connection, job: Job, file_ids: Sequence[str], now: datetime) -> int:
    """Move the files into the job's destination; returns how many had to stay."""
    return move_batch(
        conn,
        account_id=job.account_id,
        file_ids=file_ids,
        source=job.params["source"],
        destination=job.params["destination"],
        field_types=field_types(load_schemas(conn, job.account_id)),
        now=now,
    )


def _delete_emptied_folders(conn: sa.Connection, account_id: str, source: str) -> None:
    """Delete the moved folder's rows, but for the folders (and their parents) that still
    hold a file the move had to leave behind."""
    kept: set[str] = set()
    remaining = conn.execute(
        sa.select(files.c.folder_path).where(files.c.account_id == account_id, files_under(source))
    ).scalars()
    for folder in set(remaining):
        while folder != source and is_within(folder, source):
            kept.add(folder)
            folder = folder.rsplit("/", 1)[0]
        kept.add(source)
    conn.execute(
        folders.delete().where(
            folders.c.account_id == account_id,
            folders_under(source),
            folders.c.path.not_in(sorted(kept)),
        )
    )
