"""Copy, move and rename one file (docs/reference/api.md §4.13, §4.14), each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.custom_metadata.values import field_types, load_schemas
from imagekit_server.db.engine import library_transaction, read_transaction
from imagekit_server.errors import ApiError, BadRequest, Conflict, NotFound
from imagekit_server.files import records
from imagekit_server.files.naming import join_path
from imagekit_server.library import file_copies
from imagekit_server.library.blob_copies import copy_read
from imagekit_server.library.file_state import lock_file_by_path
from imagekit_server.runtime import blobs
from imagekit_server.webhooks import events as webhook_events


@dataclass(frozen=True)
class Transfer:
    source_path: str  # "/a/b.jpg"
    destination_folder: str  # normalised: "/" or "/x/y"
    include_versions: bool = True


def _source_missing() -> ApiError:
    return NotFound("No file found with filePath sourceFilePath.", reason="SOURCE_FILE_MISSING")


def _version_limit() -> ApiError:
    return BadRequest(
        "The destination file would have more versions than allowed.",
        reason="VERSION_LIMIT_EXCEEDED",
    )


def _same_folder() -> ApiError:
    return BadRequest(
        "sourceFilePath and destinationPath are the same folder.",
        reason="SAME_SOURCE_AND_DESTINATION",
    )


def copy_file(context: ServerContext, account_id: str, transfer: Transfer) -> None:
    def read() -> tuple[Any, list[file_copies.VersionCopy]]:
        with read_transaction(context.engine) as conn:
            row = records.find_by_path(conn, account_id, transfer.source_path)
            if row is None:
                raise _source_missing()
            if row.folder_path == transfer.destination_folder:
                raise _same_folder()
            return row, file_copies.version_chain(conn, row, all_versions=transfer.include_versions)

    (row, chain), new_keys = copy_read(
        context, account_id, read, lambda found: file_copies.blob_keys(found[1])
    )
    try:
        with library_transaction(context.engine, account_id) as conn:
            target = join_path(transfer.destination_folder, row.name)
            if not file_copies.fits_at(conn, account_id, target, len(chain)):
                raise _version_limit()
            copy_id = file_copies.place_versions(
                conn,
                account_id=account_id,
                folder=transfer.destination_folder,
                name=row.name,
                chain=file_copies.with_blobs(chain, new_keys),
                field_types=field_types(load_schemas(conn, account_id)),
                now=datetime.now(timezone.utc),
            )
            for key in new_keys.values():
                blobs.clear_intent(conn, key)
            webhook_events.file_copied(conn, context.settings, account_id, copy_id)
    except BaseException:
        blobs.discard(context.engine, context.store, list(new_keys.values()))
        raise


def move_file(context: ServerContext, account_id: str, transfer: Transfer) -> None:
    with library_transaction(context.engine, account_id) as conn:
        row = lock_file_by_path(conn, account_id, transfer.source_path)
        if row is None:
            raise _source_missing()
        if row.folder_path == transfer.destination_folder:
            raise _same_folder()
        target = join_path(transfer.destination_folder, row.name)
        incoming = file_copies.version_count(conn, row.id)
        if not file_copies.fits_at(conn, account_id, target, incoming):
            raise _version_limit()
        file_copies.move_file_row(
            conn,
            row,
            folder=transfer.destination_folder,
            field_types=field_types(load_schemas(conn, account_id)),
            now=datetime.now(timezone.utc),
        )


def rename_file(context: ServerContext, account_id: str, file_path: str, new_name: str) -> str:
    """Rename a file and all its versions; returns the old file path (for purging)."""
    with library_transaction(context.engine, account_id) as conn:
        row = lock_file_by_path(conn, account_id, file_path)
        if row is None:
            raise NotFound("No file found with filePath.", reason="FILE_MISSING")
        if row.name == new_name:
            raise BadRequest(
                "newFileName is the same as the current name.", reason="SAME_OLD_AND_NEW_NAME"
            )
        if lock_file_by_path(conn, account_id, join_path(row.folder_path, new_name)):
            raise Conflict(
                "A file with newFileName already exists in the folder.",
                reason="FILE_ALREADY_EXISTS",
            )
        file_copies.move_file_row(
            conn,
            row,
            folder=row.folder_path,
            name=new_name,
            field_types={},
            now=datetime.now(timezone.utc),
        )
    return str(row.file_path)
