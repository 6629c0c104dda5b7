"""A file's versions: list, look up, delete an old one, restore one (docs/reference/api.md
§4.5-§4.8).

Restoring re-points the file at the chosen version (its content becomes current, keeping the
file's current attributes); no version is created, so restoring never hits the version limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.custom_metadata.values import field_types, load_schemas
from imagekit_server.db.tables import file_versions, files
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.files.objects import file_object, version_object
from imagekit_server.library.file_state import attributes_of, lock_file, save_attributes
from imagekit_server.runtime import blobs

CONTENT_COLUMNS = (
    "blob_key",
    "file_type",
    "format",
    "mime",
    "size",
    "width",
    "height",
    "has_alpha",
    "etag",
    "embedded_metadata",
    "metadata",
    "duration",
)


def file_not_found() -> NotFound:
    return NotFound("The requested file does not exist.")


def version_not_found() -> NotFound:
    return NotFound("The requested file version does not exist.")


def version_rows(conn: sa.Connection, file_id: str) -> Sequence[sa.Row[Any]]:
    query = (
        sa.select(file_versions)
        .where(file_versions.c.file_id == file_id)
        .order_by(file_versions.c.number)
    )
    return conn.execute(query).all()


def list_versions(file_row: Any, rows: Sequence[Any], endpoint: str) -> list[dict[str, Any]]:
    """The current version first (as a ``file``), then the others (``file-version``) newest
    first, as ImageKit lists them: ``versions[1]`` is the latest non-current version."""
    older = sorted(
        (row for row in rows if row.id != file_row.current_version_id),
        key=lambda row: (row.created_at, row.number),
        reverse=True,
    )
    return [file_object(file_row, endpoint)] + [version_object(row, endpoint) for row in older]


def find_version_of(conn: sa.Connection, file_id: str, version_id: str) -> sa.Row[Any]:
    row = conn.execute(
        sa.select(file_versions).where(
            file_versions.c.file_id == file_id, file_versions.c.id == version_id
        )
    ).first()
    if row is None:
        raise version_not_found()
    return row


def delete_version(
    conn: sa.Connection, account_id: str, file_id: str, version_id: str
) -> list[str]:
    """Delete an old version; returns the blob keys no version references any more (the
    caller discards them after commit; their removal intents are written here)."""
    file_row = lock_file(conn, account_id, file_id)
    if file_row is None:
        raise file_not_found()
    version = find_version_of(conn, file_id, version_id)
    if version.id == file_row.current_version_id:
        raise BadRequest("The current version of a file cannot be deleted.")
    conn.execute(file_versions.delete().where(file_versions.c.id == version_id))
    still_used = conn.execute(
        sa.select(file_versions.c.id).where(file_versions.c.blob_key == version.blob_key)
    ).first()
    if still_used is not None:
        return []
    blobs.intend_removal(conn, [version.blob_key], account_id)
    return [version.blob_key]


def restore_version(
    conn: sa.Connection, account_id: str, file_id: str, version_id: str
) -> sa.Row[Any]:
    """Make the version current; returns the updated file row."""
    file_row = lock_file(conn, account_id, file_id)
    if file_row is None:
        raise file_not_found()
    version = find_version_of(conn, file_id, version_id)
    if version.id == file_row.current_version_id:
        return file_row
    now = datetime.now(timezone.utc)
    content = {column: getattr(version, column) for column in CONTENT_COLUMNS}
    conn.execute(
        files.update()
        .where(files.c.id == file_id)
        .values(
            current_version_id=version.id,
            version_number=version.number,
            updated_at=now,
            **content,
        )
    )
    restored = lock_file(conn, account_id, file_id)
    assert restored is not None
    types = field_types(load_schemas(conn, account_id))
    save_attributes(conn, restored, attributes_of(file_row), field_types=types, now=now)
    final = lock_file(conn, account_id, file_id)
    assert final is not None
    return final
