"""path -> file row for transformed delivery, memoised for a short TTL (``hot_cache.TtlMemo``).

A memo hit costs a dictionary lookup on the event loop; a miss runs one indexed query in a
worker thread, shared by every request waiting for the same path. Writes through this
process's engine clear the memo (``DeliveryCaches.watch``); other processes see a change
after at most ``Settings.delivery_lookup_ttl_seconds`` plus one query.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import file_versions, files
from imagekit_server.db.times import to_utc
from imagekit_server.header_values import http_date
from imagekit_server.renditions.hot_cache import delivery_caches


@dataclass(frozen=True)
class FileRow:
    """What delivery needs of one stored version of a file."""

    file_id: str
    blob_key: str
    mime: str
    etag: str
    name: str
    modified: datetime  # UTC
    last_modified: str  # ``modified`` as an HTTP date
    is_private: bool
    is_published: bool
    custom_focus: tuple[int, int, int, int] | None


def _current_query(account_id: str, file_path: str) -> Any:
    return sa.select(
        files.c.id.label("file_id"),
        files.c.blob_key,
        files.c.mime,
        files.c.etag,
        files.c.name,
        files.c.updated_at.label("modified_at"),
        files.c.is_private,
        files.c.is_published,
        files.c.custom_coordinates,
    ).where(files.c.account_id == account_id, files.c.file_path == file_path)


def _version_query(account_id: str, file_path: str, version_id: str) -> Any:
    return (
        sa.select(
            files.c.id.label("file_id"),
            file_versions.c.blob_key,
            file_versions.c.mime,
            file_versions.c.etag,
            file_versions.c.name,
            file_versions.c.created_at.label("modified_at"),
            files.c.is_private,
            files.c.is_published,
            sa.null().label("custom_coordinates"),
        )
        .join(files, files.c.id == file_versions.c.file_id)
        .where(
            files.c.account_id == account_id,
            files.c.file_path == file_path,
            file_versions.c.id == version_id,
        )
    )


def _parse_focus(text: str | None) -> tuple[int, int, int, int] | None:
    try:
        x, y, width, height = (int(part) for part in (text or "").split(","))
    except ValueError:
        return None
    return (x, y, width, height) if width > 0 and height > 0 else None


def load_file_row(
    context: ServerContext, account_id: str, file_path: str, version_id: str = ""
) -> FileRow | None:
    """One indexed query (blocking)."""
    query = (
        _version_query(account_id, file_path, version_id)
        if version_id
        else _current_query(account_id, file_path)
    )
    with read_transaction(context.engine) as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    modified = to_utc(row.modified_at)
    return FileRow(
        file_id=row.file_id,
        blob_key=row.blob_key,
        mime=row.mime,
        etag=row.etag,
        name=row.name,
        modified=modified,
        last_modified=http_date(modified),
        is_private=bool(row.is_private),
        is_published=bool(row.is_published),
        custom_focus=_parse_focus(row.custom_coordinates),
    )


async def find_file(
    context: ServerContext, account_id: str, file_path: str, version_id: str = ""
) -> FileRow | None:
    """The memoised lookup: no thread hop while the memo holds the path."""
    key = (account_id, file_path, version_id)
    memo = delivery_caches(context).rows
    found, row = memo.get(key)
    if found:  # fresh: no loader or coroutine made (the common case, on every hit)
        return row
    loaded: FileRow | None = await memo.get_or_load(
        key, functools.partial(load_file_row, context, account_id, file_path, version_id)
    )
    return loaded
