"""File, version and folder rows: create, add a version, look up, delete.

Every function runs inside the caller's transaction; the caller decides the boundaries (the
upload commits the file rows together with the removal of its blob intent).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from imagekit_server.db.tables import file_versions, files, folders
from imagekit_server.errors import BadRequest
from imagekit_server.files.naming import ancestors, join_path, parent_of
from imagekit_server.ids import new_id
from imagekit_server.search.indexing import reindex_file

if TYPE_CHECKING:
    from imagekit_server.files.media_record import MediaFacts

MAX_VERSIONS = 100


@dataclass(frozen=True)
class Content:
    """The immutable content of one version: its blob and what was read from it."""

    blob_key: str
    file_type: str
    format: str
    mime: str
    size: int
    etag: str
    width: int | None = None
    height: int | None = None
    has_alpha: bool = False
    embedded_metadata: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    duration: float | None = None  # videos

    @classmethod
    def of_new_blob(cls, blob_key: str, facts: MediaFacts) -> Content:
        """The content of a just-stored blob, from what was read of it (``MediaFacts``). A
        version's bytes never change, so a token unique to it is a strong ETag; hashing the
        content instead would cost a full pass over every upload."""
        return cls(
            blob_key=blob_key,
            file_type=facts.file_type,
            format=facts.format,
            mime=facts.mime,
            size=facts.size,
            etag=secrets.token_hex(16),
            width=facts.width,
            height=facts.height,
            has_alpha=facts.has_alpha,
            embedded_metadata=facts.embedded_metadata,
            metadata=facts.metadata,
            duration=facts.duration,
        )

    def columns(self) -> dict[str, Any]:
        return {
            "blob_key": self.blob_key,
            "file_type": self.file_type,
            "format": self.format,
            "mime": self.mime,
            "size": self.size,
            "etag": self.etag,
            "width": self.width,
            "height": self.height,
            "has_alpha": self.has_alpha,
            "embedded_metadata": self.embedded_metadata,
            "metadata": self.metadata,
            "duration": self.duration,
        }


@dataclass(frozen=True)
class Attributes:
    """The user-editable state of a file."""

    tags: list[str] | None = None
    ai_tags: list[dict[str, Any]] | None = None
    custom_coordinates: str | None = None
    custom_metadata: dict[str, Any] = field(default_factory=dict)
    is_private: bool = False
    is_published: bool = True
    description: str | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "tags": self.tags,
            "ai_tags": self.ai_tags,
            "custom_coordinates": self.custom_coordinates,
            "custom_metadata": self.custom_metadata,
            "is_private": self.is_private,
            "is_published": self.is_published,
            "description": self.description,
        }

    def snapshot(self) -> dict[str, Any]:
        """The ``file_versions.attributes`` form."""
        return {
            "tags": self.tags,
            "AITags": self.ai_tags,
            "customCoordinates": self.custom_coordinates,
            "customMetadata": self.custom_metadata,
            "isPrivateFile": self.is_private,
            "isPublished": self.is_published,
            "description": self.description,
        }


def find_by_path(
    conn: sa.Connection, account_id: str, file_path: str, *, for_update: bool = False
) -> sa.Row[Any] | None:
    """``for_update`` locks the row on PostgreSQL (read-modify-write in a write transaction)."""
    query = sa.select(files).where(files.c.account_id == account_id, files.c.file_path == file_path)
    return conn.execute(query.with_for_update() if for_update else query).first()


def find_by_id(conn: sa.Connection, account_id: str, file_id: str) -> sa.Row[Any] | None:
    query = sa.select(files).where(files.c.account_id == account_id, files.c.id == file_id)
    return conn.execute(query).first()


def find_version(conn: sa.Connection, account_id: str, version_id: str) -> sa.Row[Any] | None:
    query = sa.select(file_versions).where(
        file_versions.c.account_id == account_id, file_versions.c.id == version_id
    )
    return conn.execute(query).first()


def ensure_folders(conn: sa.Connection, account_id: str, folder: str, now: datetime) -> None:
    """Create ``folder`` and its missing parents (concurrent creators are tolerated)."""
    for path in ancestors(folder):
        exists = conn.execute(
            sa.select(folders.c.id).where(
                folders.c.account_id == account_id, folders.c.path == path
            )
        ).first()
        if exists:
            continue
        row = {
            "id": new_id(),
            "account_id": account_id,
            "path": path,
            "parent_path": parent_of(path),
            "name": path.rsplit("/", 1)[1],
            "created_at": now,
            "updated_at": now,
        }
        try:
            with conn.begin_nested():
                conn.execute(folders.insert().values(**row))
        except sa.exc.IntegrityError:
            continue  # created meanwhile by another request


def create_file(
    conn: sa.Connection,
    *,
    account_id: str,
    folder: str,
    name: str,
    content: Content,
    attributes: Attributes,
    field_types: Mapping[str, str],
    now: datetime,
) -> str:
    """Insert a new file with its version 1 (whose id is the file id); returns the id."""
    file_id = new_id()
    file_path = join_path(folder, name)
    ensure_folders(conn, account_id, folder, now)
    conn.execute(
        files.insert().values(
            id=file_id,
            account_id=account_id,
            folder_path=folder,
            name=name,
            file_path=file_path,
            current_version_id=file_id,
            version_number=1,
            **content.columns(),
            **attributes.columns(),
            created_at=now,
            updated_at=now,
        )
    )
    _insert_version(
        conn, file_id, account_id, 1, file_id, name, file_path, content, attributes, now
    )
    _reindex(conn, account_id, file_id, content, attributes, field_types)
    return file_id


def add_version(
    conn: sa.Connection,
    existing: sa.Row[Any],
    *,
    content: Content,
    attributes: Attributes,
    field_types: Mapping[str, str],
    now: datetime,
) -> str:
    """Make ``content`` the new current version of an existing file; returns the version id."""
    # Lock the file first (PostgreSQL) so parallel overwrites number their versions in turn.
    conn.execute(sa.select(files.c.id).where(files.c.id == existing.id).with_for_update())
    count = conn.execute(
        sa.select(sa.func.count()).where(file_versions.c.file_id == existing.id)
    ).scalar_one()
    if count >= MAX_VERSIONS:
        raise BadRequest(f"A file can have at most {MAX_VERSIONS} versions.")
    number = existing.version_number + 1
    latest = conn.execute(
        sa.select(sa.func.max(file_versions.c.number)).where(file_versions.c.file_id == existing.id)
    ).scalar_one()
    number = max(number, (latest or 0) + 1)
    version_id = new_id()
    _insert_version(
        conn,
        existing.id,
        existing.account_id,
        number,
        version_id,
        existing.name,
        existing.file_path,
        content,
        attributes,
        now,
    )
    conn.execute(
        files.update()
        .where(files.c.id == existing.id)
        .values(
            current_version_id=version_id,
            version_number=number,
            **content.columns(),
            **attributes.columns(),
            updated_at=now,
        )
    )
    _reindex(conn, existing.account_id, existing.id, content, attributes, field_types)
    return version_id


def _insert_version(
    conn: sa.Connection,
    file_id: str,
    account_id: str,
    number: int,
    version_id: str,
    name: str,
    file_path: str,
    content: Content,
    attributes: Attributes,
    now: datetime,
) -> None:
    conn.execute(
        file_versions.insert().values(
            id=version_id,
            file_id=file_id,
            account_id=account_id,
            number=number,
            name=name,
            file_path=file_path,
            **content.columns(),
            attributes=attributes.snapshot(),
            created_at=now,
            updated_at=now,
        )
    )


def _reindex(
    conn: sa.Connection,
    account_id: str,
    file_id: str,
    content: Content,
    attributes: Attributes,
    field_types: Mapping[str, str],
) -> None:
    reindex_file(
        conn,
        account_id=account_id,
        file_id=file_id,
        tags=attributes.tags,
        ai_tags=attributes.ai_tags,
        custom_metadata=attributes.custom_metadata,
        embedded_metadata=content.embedded_metadata,
        field_types=field_types,
    )


def blob_keys_of(conn: sa.Connection, file_ids: Sequence[str]) -> list[str]:
    rows = conn.execute(
        sa.select(file_versions.c.blob_key).where(file_versions.c.file_id.in_(file_ids))
    ).all()
    return sorted({row.blob_key for row in rows})


def unreferenced_keys(conn: sa.Connection, keys: Sequence[str]) -> list[str]:
    """The blob keys among ``keys`` that no version row uses (any more)."""
    if not keys:
        return []
    used = conn.execute(
        sa.select(file_versions.c.blob_key).where(file_versions.c.blob_key.in_(list(keys)))
    ).scalars()
    return sorted(set(keys) - set(used))


def delete_files(conn: sa.Connection, account_id: str, file_ids: Sequence[str]) -> None:
    """Delete the rows of files (versions, tags and search values cascade)."""
    conn.execute(file_versions.delete().where(file_versions.c.file_id.in_(file_ids)))
    conn.execute(files.delete().where(files.c.account_id == account_id, files.c.id.in_(file_ids)))
