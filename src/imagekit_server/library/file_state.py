"""Read a file row under a row lock and write back its user-editable attributes.

Every read-modify-write of a file goes through ``lock_file`` inside a ``write_transaction``:
on PostgreSQL ``SELECT ... FOR UPDATE`` makes concurrent updates of one file queue; on SQLite
the transaction already holds the single writer lock (``BEGIN IMMEDIATE``). So parallel
updates never lose a tag, a field value or a version.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import file_versions, files
from imagekit_server.files.records import Attributes
from imagekit_server.search.indexing import reindex_file


def lock_file(conn: sa.Connection, account_id: str, file_id: str) -> sa.Row[Any] | None:
    query = (
        sa.select(files)
        .where(files.c.account_id == account_id, files.c.id == file_id)
        .with_for_update()
    )
    return conn.execute(query).first()


def lock_file_by_path(conn: sa.Connection, account_id: str, file_path: str) -> sa.Row[Any] | None:
    query = (
        sa.select(files)
        .where(files.c.account_id == account_id, files.c.file_path == file_path)
        .with_for_update()
    )
    return conn.execute(query).first()


def attributes_of(row: Any) -> Attributes:
    return Attributes(
        tags=list(row.tags) if row.tags is not None else None,
        ai_tags=list(row.ai_tags) if row.ai_tags is not None else None,
        custom_coordinates=row.custom_coordinates,
        custom_metadata=dict(row.custom_metadata or {}),
        is_private=bool(row.is_private),
        is_published=bool(row.is_published),
        description=row.description,
    )


def save_attributes(
    conn: sa.Connection,
    row: Any,
    attributes: Attributes,
    *,
    field_types: Mapping[str, str],
    now: datetime,
) -> None:
    """Write ``attributes`` to the file, the snapshot of its current version and the search
    index, all in the caller's transaction."""
    conn.execute(
        files.update().where(files.c.id == row.id).values(**attributes.columns(), updated_at=now)
    )
    conn.execute(
        file_versions.update()
        .where(file_versions.c.id == row.current_version_id)
        .values(attributes=attributes.snapshot(), updated_at=now)
    )
    reindex_file(
        conn,
        account_id=row.account_id,
        file_id=row.id,
        tags=attributes.tags,
        ai_tags=attributes.ai_tags,
        custom_metadata=attributes.custom_metadata,
        embedded_metadata=row.embedded_metadata,
        field_types=field_types,
    )
