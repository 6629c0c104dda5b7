"""The events ImageKit sends, and one-line hooks for the places that change files.

Names and payloads follow ImageKit's webhook events (as the 5.x SDK models them,
docs/webhooks.md): ``file.created``/``file.updated``/``file-version.created`` carry the file
object, ``file.deleted`` ``{"fileId"}``, ``file-version.deleted`` ``{"fileId", "versionId"}``.
Each hook runs inside the transaction of its change, so the event is recorded exactly when the
change commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import folders
from imagekit_server.files import records
from imagekit_server.files.objects import file_object
from imagekit_server.library.subtree import folders_under
from imagekit_server.settings import Settings
from imagekit_server.webhooks.outbox import enqueue

FILE_CREATED = "file.created"
FILE_UPDATED = "file.updated"
FILE_DELETED = "file.deleted"
FILE_VERSION_CREATED = "file-version.created"
FILE_VERSION_DELETED = "file-version.deleted"
FOLDER_DELETED = "folder.deleted"
UPLOAD_PRE_TRANSFORM_SUCCESS = "upload.pre-transform.success"
UPLOAD_PRE_TRANSFORM_ERROR = "upload.pre-transform.error"
UPLOAD_POST_TRANSFORM_SUCCESS = "upload.post-transform.success"
UPLOAD_POST_TRANSFORM_ERROR = "upload.post-transform.error"
#: Sent to an upload's own ``webhookUrl`` when it has no pre-transformation (our addition:
#: ImageKit sends nothing then, but earlier versions of this server did).
UPLOAD_COMPLETED = "upload.completed"


def file_stored(conn: sa.Connection, settings: Settings, account_id: str, row: Any) -> None:
    """An upload committed ``row``: a new file, or a new version of an existing one."""
    kind = FILE_CREATED if row.version_number == 1 else FILE_VERSION_CREATED
    enqueue(conn, account_id, kind, file_object(row, settings.url_endpoint(account_id)))


def file_changed(
    conn: sa.Connection, settings: Settings, account_id: str, rows: Sequence[Any]
) -> None:
    """The attributes (or current version) of the files in ``rows`` changed."""
    for row in rows:
        enqueue(conn, account_id, FILE_UPDATED, file_object(row, settings.url_endpoint(account_id)))


def files_changed(
    conn: sa.Connection,
    settings: Settings,
    account_id: str,
    file_ids: Sequence[str],
    missing: Sequence[str],
) -> None:
    """A bulk change of ``file_ids`` committed (nothing changed when ``missing``)."""
    if not missing:
        rows = [records.find_by_id(conn, account_id, file_id) for file_id in file_ids]
        file_changed(conn, settings, account_id, [row for row in rows if row is not None])


def file_copied(conn: sa.Connection, settings: Settings, account_id: str, file_id: str) -> None:
    row = records.find_by_id(conn, account_id, file_id)
    enqueue(conn, account_id, FILE_CREATED, file_object(row, settings.url_endpoint(account_id)))


def files_deleted(conn: sa.Connection, account_id: str, file_ids: Sequence[str]) -> None:
    for file_id in file_ids:
        enqueue(conn, account_id, FILE_DELETED, {"fileId": file_id})


def folder_tree_deleted(
    conn: sa.Connection, account_id: str, folder: str, file_ids: Sequence[str]
) -> None:
    """Before ``folder`` and everything below it are deleted: ``file.deleted`` for each of
    ``file_ids`` and ``folder.deleted`` for each folder of the tree, as ImageKit sends them."""
    files_deleted(conn, account_id, file_ids)
    folder_ids = conn.execute(
        sa.select(folders.c.id).where(folders.c.account_id == account_id, folders_under(folder))
    ).scalars()
    for folder_id in folder_ids:
        enqueue(conn, account_id, FOLDER_DELETED, {"folderId": folder_id})


def version_deleted(conn: sa.Connection, account_id: str, file_id: str, version_id: str) -> None:
    data = {"fileId": file_id, "versionId": version_id}
    enqueue(conn, account_id, FILE_VERSION_DELETED, data)
