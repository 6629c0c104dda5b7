"""Put a file into another folder, by copying or moving it (docs/reference/api.md §4.13, §4.17).

When the destination folder already has a file of that name, the incoming versions are
appended to its history instead (and are refused as a whole if they would exceed the version
limit). Copies get their own blobs (``blob_copies``), so deleting one file never removes bytes
another still uses; moves keep their blobs.

Everything here runs inside the caller's write transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import file_versions, files
from imagekit_server.files import records
from imagekit_server.files.naming import join_path
from imagekit_server.library.file_state import attributes_of, lock_file, lock_file_by_path

CONTENT_FIELDS = (
    "blob_key",
    "file_type",
    "format",
    "mime",
    "size",
    "etag",
    "width",
    "height",
    "has_alpha",
    "embedded_metadata",
    "metadata",
    "duration",
)


@dataclass(frozen=True)
class VersionCopy:
    """One version to recreate elsewhere: its content and its attribute snapshot."""

    content: records.Content
    attributes: records.Attributes


def content_of(row: Any) -> records.Content:
    return records.Content(**{name: getattr(row, name) for name in CONTENT_FIELDS})


def attributes_from_snapshot(snapshot: Mapping[str, Any]) -> records.Attributes:
    return records.Attributes(
        tags=snapshot.get("tags"),
        ai_tags=snapshot.get("AITags"),
        custom_coordinates=snapshot.get("customCoordinates"),
        custom_metadata=dict(snapshot.get("customMetadata") or {}),
        is_private=bool(snapshot.get("isPrivateFile", False)),
        is_published=bool(snapshot.get("isPublished", True)),
        description=snapshot.get("description"),
    )


def version_chain(conn: sa.Connection, file_row: Any, *, all_versions: bool) -> list[VersionCopy]:
    """The versions to carry over, oldest first and the current one last."""
    current = conn.execute(
        sa.select(file_versions).where(file_versions.c.id == file_row.current_version_id)
    ).one()
    chain: list[VersionCopy] = []
    if all_versions:
        older = conn.execute(
            sa.select(file_versions)
            .where(
                file_versions.c.file_id == file_row.id,
                file_versions.c.id != file_row.current_version_id,
            )
            .order_by(file_versions.c.number)
        ).all()
        chain = [
            VersionCopy(content_of(row), attributes_from_snapshot(row.attributes or {}))
            for row in older
        ]
    return [*chain, VersionCopy(content_of(current), attributes_of(file_row))]


def with_blobs(chain: Sequence[VersionCopy], new_keys: Mapping[str, str]) -> list[VersionCopy]:
    """The chain pointing at copied blobs (``new_keys`` maps old keys to new ones)."""
    return [
        replace(item, content=replace(item.content, blob_key=new_keys[item.content.blob_key]))
        for item in chain
    ]


def version_count(conn: sa.Connection, file_id: str) -> int:
    query = sa.select(sa.func.count()).where(file_versions.c.file_id == file_id)
    return int(conn.execute(query).scalar_one())


def fits_at(conn: sa.Connection, account_id: str, file_path: str, incoming: int) -> bool:
    """Whether ``incoming`` versions can join the history of the file at ``file_path``."""
    existing = lock_file_by_path(conn, account_id, file_path)
    if existing is None:
        return incoming <= records.MAX_VERSIONS
    return version_count(conn, existing.id) + incoming <= records.MAX_VERSIONS


def place_versions(
    conn: sa.Connection,
    *,
    account_id: str,
    folder: str,
    name: str,
    chain: Sequence[VersionCopy],
    field_types: Mapping[str, str],
    now: datetime,
) -> str:
    """Create ``folder/name`` from the chain, or append the chain to the file already there
    (call ``fits_at`` first). Returns the file id."""
    existing = lock_file_by_path(conn, account_id, join_path(folder, name))
    remaining = list(chain)
    if existing is None:
        first = remaining.pop(0)
        file_id = records.create_file(
            conn,
            account_id=account_id,
            folder=folder,
            name=name,
            content=first.content,
            attributes=first.attributes,
            field_types=field_types,
            now=now,
        )
    else:
        file_id = existing.id
    for item in remaining:
        target = lock_file(conn, account_id, file_id)
        assert target is not None  # locked or created in this transaction
        records.add_version(
            conn,
            target,
            content=item.content,
            attributes=item.attributes,
            field_types=field_types,
            now=now,
        )
    return str(file_id)


def move_file_row(
    conn: sa.Connection,
    file_row: Any,
    *,
    folder: str,
    name: str | None = None,
    field_types: Mapping[str, str],
    now: datetime,
) -> str:
    """Move (and optionally rename) a file into ``folder``; appends to the file already there
    when there is one. Returns the id of the file that now holds the versions."""
    name = name or file_row.name
    target_path = join_path(folder, name)
    if lock_file_by_path(conn, file_row.account_id, target_path) is not None:
        chain = version_chain(conn, file_row, all_versions=True)
        records.delete_files(conn, file_row.account_id, [file_row.id])
        return place_versions(
            conn,
            account_id=file_row.account_id,
            folder=folder,
            name=name,
            chain=chain,
            field_types=field_types,
            now=now,
        )
    records.ensure_folders(conn, file_row.account_id, folder, now)
    conn.execute(
        files.update()
        .where(files.c.id == file_row.id)
        .values(folder_path=folder, name=name, file_path=target_path, updated_at=now)
    )
    conn.execute(
        file_versions.update()
        .where(file_versions.c.file_id == file_row.id)
        .values(name=name, file_path=target_path)
    )
    return str(file_row.id)


def blob_keys(chain: Sequence[VersionCopy]) -> list[str]:
    """The blobs of the chain's versions (``blob_copies`` copies them)."""
    return [item.content.blob_key for item in chain]
