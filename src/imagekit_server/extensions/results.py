"""Extension results written to the library, each in the caller's write transaction so a job
records its result and its progress together (exactly once).

Background removal lands as ImageKit lands it: a new version of the file (same id, name and
path; PNG content), the file's tags and metadata carried over.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.custom_metadata.values import field_types, load_schemas
from imagekit_server.extensions.ai_tags import merged, tag_entries
from imagekit_server.extensions.providers import Cutout, Label
from imagekit_server.files import records
from imagekit_server.files.media_facts import read_media_facts
from imagekit_server.library.file_state import attributes_of, lock_file, save_attributes
from imagekit_server.runtime import blobs


def save_tags(
    conn: sa.Connection, account_id: str, file_id: str, source: str, labels: list[Label]
) -> Any | None:
    """The updated row, or None when the file is gone."""
    row = lock_file(conn, account_id, file_id)
    if row is None:
        return None
    attributes = attributes_of(row)
    ai_tags = merged(attributes.ai_tags, tag_entries(labels, source))
    return _save(conn, account_id, row, replace(attributes, ai_tags=ai_tags))


def save_description(conn: sa.Connection, account_id: str, file_id: str, text: str) -> Any | None:
    row = lock_file(conn, account_id, file_id)
    if row is None:
        return None
    return _save(conn, account_id, row, replace(attributes_of(row), description=text))


def _save(conn: sa.Connection, account_id: str, row: Any, attributes: records.Attributes) -> Any:
    types = field_types(load_schemas(conn, account_id))
    save_attributes(conn, row, attributes, field_types=types, now=datetime.now(timezone.utc))
    return lock_file(conn, account_id, row.id)


def stage_cutout(context: ServerContext, account_id: str, cutout: Cutout) -> records.Content:
    """Store the result's blob (under an intent: a crash before the version commits leaves
    nothing behind once recovery runs) and describe it."""
    path = context.spool.new_path()
    try:
        path.write_bytes(cutout.data)
        facts = read_media_facts(
            path, f"cutout.{cutout.format}", max_pixels=context.settings.max_image_pixels
        )
        key = blobs.new_blob_key(account_id, context.lease.token)
        blobs.put_with_intent(context.engine, context.store, key, path, account_id)
    finally:
        path.unlink(missing_ok=True)
    return records.Content.of_new_blob(key, facts)


def save_cutout(
    conn: sa.Connection,
    account_id: str,
    file_id: str,
    version_id: str,
    content: records.Content,
) -> Any | None:
    """Add ``content`` as the file's new version, if ``version_id`` is still its current one;
    the updated row, or None (the caller then discards the staged blob)."""
    row = lock_file(conn, account_id, file_id)
    if row is None or row.current_version_id != version_id:
        return None
    types = field_types(load_schemas(conn, account_id))
    records.add_version(
        conn,
        row,
        content=content,
        attributes=attributes_of(row),
        field_types=types,
        now=datetime.now(timezone.utc),
    )
    blobs.clear_intent(conn, content.blob_key)
    return lock_file(conn, account_id, file_id)
