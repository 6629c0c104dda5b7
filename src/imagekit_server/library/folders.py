"""Folders: create (with missing parents) and delete with everything below (docs/reference/api.md
§4.15,
§4.16); the queries that select a folder's subtree are in library/subtree.py."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import library_transaction
from imagekit_server.db.tables import files, folders
from imagekit_server.errors import ApiError, BadRequest, NotFound
from imagekit_server.files import records
from imagekit_server.library.subtree import files_under, folders_under
from imagekit_server.renditions.variant_purge import purge_file_variants
from imagekit_server.runtime import blobs
from imagekit_server.webhooks import events as webhook_events

MAX_NESTED_OBJECTS = 100_000
DELETE_CHUNK = 500  # ids per statement (SQLite limits bound parameters)


def folder_exists(conn: sa.Connection, account_id: str, folder: str) -> bool:
    """A folder exists when it has a row or holds files (uploads create rows for parents)."""
    row = conn.execute(
        sa.select(folders.c.id).where(folders.c.account_id == account_id, folders.c.path == folder)
    ).first()
    if row is not None:
        return True
    held = conn.execute(
        sa.select(files.c.id).where(files.c.account_id == account_id, files_under(folder)).limit(1)
    ).first()
    return held is not None


def count_nested(conn: sa.Connection, account_id: str, folder: str) -> int:
    file_count = conn.execute(
        sa.select(sa.func.count()).where(files.c.account_id == account_id, files_under(folder))
    ).scalar_one()
    folder_count = conn.execute(
        sa.select(sa.func.count()).where(
            folders.c.account_id == account_id, folders_under(folder, including_itself=False)
        )
    ).scalar_one()
    return int(file_count) + int(folder_count)


def too_many_objects() -> ApiError:
    return BadRequest(
        f"The folder holds more than {MAX_NESTED_OBJECTS} objects.", reason="TOO_MANY_OBJECTS"
    )


def create_folder(context: ServerContext, account_id: str, folder: str) -> None:
    with library_transaction(context.engine, account_id) as conn:
        records.ensure_folders(conn, account_id, folder, datetime.now(timezone.utc))


def delete_folder(context: ServerContext, account_id: str, folder: str) -> None:
    """Delete the folder, its subfolders and their files (rows in one transaction; blobs,
    derived images included, after commit, guarded by removal intents)."""
    with library_transaction(context.engine, account_id) as conn:
        if not folder_exists(conn, account_id, folder):
            raise NotFound("No folder found with folderPath.", reason="FOLDER_NOT_FOUND")
        if count_nested(conn, account_id, folder) > MAX_NESTED_OBJECTS:
            raise too_many_objects()
        file_ids = list(
            conn.execute(
                sa.select(files.c.id).where(files.c.account_id == account_id, files_under(folder))
            ).scalars()
        )
        keys: list[str] = []
        for start in range(0, len(file_ids), DELETE_CHUNK):
            chunk = file_ids[start : start + DELETE_CHUNK]
            keys += records.blob_keys_of(conn, chunk)
            records.delete_files(conn, account_id, chunk)
        blobs.intend_removal(conn, keys, account_id)
        webhook_events.folder_tree_deleted(conn, account_id, folder, file_ids)
        conn.execute(
            folders.delete().where(folders.c.account_id == account_id, folders_under(folder))
        )
    blobs.discard(context.engine, context.store, keys)
    for file_id in file_ids:
        purge_file_variants(context, account_id, file_id)
