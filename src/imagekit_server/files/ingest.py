"""Store an uploaded file: probe it, choose its name, put its blob, commit its records.

The file becomes visible only in the final transaction, which inserts the file/version rows
and removes the blob intent together (see ``runtime.blobs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.custom_metadata.values import (
    field_types,
    load_schemas,
    validate_values,
    with_defaults,
)
from imagekit_server.db.engine import file_transaction, read_transaction
from imagekit_server.errors import BadRequest
from imagekit_server.files import records
from imagekit_server.files.media_facts import read_media_facts
from imagekit_server.files.media_record import MediaFacts
from imagekit_server.files.naming import (
    join_path,
    normalise_folder,
    sanitise_file_name,
    with_unique_suffix,
)
from imagekit_server.files.upload_checks import enforce_checks
from imagekit_server.files.upload_form import UploadOptions
from imagekit_server.runtime import blobs
from imagekit_server.search.checks import Checks
from imagekit_server.webhooks import events as webhook_events

_COMMIT_ATTEMPTS = 3


@dataclass(frozen=True)
class Ingested:
    row: Any  # the committed ``files`` row
    facts: MediaFacts


def ingest_upload(
    context: ServerContext,
    account: Account,
    options: UploadOptions,
    source: Path,
    *,
    checks: Checks | None = None,
) -> Ingested:
    """Blocking: run it in a worker thread. ``checks`` run on the probed file before any
    bytes are stored."""
    folder = normalise_folder(options.folder)
    name = sanitise_file_name(options.file_name)
    # The path must fit before any bytes are stored, with room for a unique-name suffix.
    join_path(folder, with_unique_suffix(name) if options.use_unique_file_name else name)
    facts = read_media_facts(
        source, name, max_pixels=context.settings.max_image_pixels, video=context.settings
    )
    if facts.size == 0:
        raise BadRequest("The file is empty.")
    with read_transaction(context.engine) as conn:
        schemas = load_schemas(conn, account.id)
    validate_values(options.custom_metadata or {}, schemas)
    if checks is not None:
        enforce_checks(checks, options, facts, field_types(schemas))
    key = blobs.new_blob_key(account.id, context.lease.token)
    content = records.Content.of_new_blob(key, facts)
    _refuse_conflict_early(context, account, options, folder, name)
    blobs.put_with_intent(context.engine, context.store, key, source, account.id)
    try:
        row = _commit(context, account, options, folder, name, content, schemas)
    except BaseException:
        blobs.discard(context.engine, context.store, [key])
        raise
    return Ingested(row, facts)


def _refuse_conflict_early(
    context: ServerContext, account: Account, options: UploadOptions, folder: str, name: str
) -> None:
    """Answer the overwriteFile=false conflict before storing any bytes."""
    if options.use_unique_file_name or options.overwrite_file:
        return
    with read_transaction(context.engine) as conn:
        if records.find_by_path(conn, account.id, join_path(folder, name)) is not None:
            raise _conflict()


def _conflict() -> BadRequest:
    return BadRequest(
        "A file with the same name already exists at the exact location. We could not overwrite "
        "it because both overwriteFile and useUniqueFileName are set to false."
    )


def _commit(
    context: ServerContext,
    account: Account,
    options: UploadOptions,
    folder: str,
    name: str,
    content: records.Content,
    schemas: dict[str, dict[str, Any]],
) -> Any:
    for attempt in range(_COMMIT_ATTEMPTS):
        final_name = with_unique_suffix(name) if options.use_unique_file_name else name
        try:
            with file_transaction(context.engine, account.id) as conn:
                file_id = _write_records(
                    conn, account, options, folder, final_name, content, schemas
                )
                if file_id is None:
                    continue  # the random unique name is taken: draw another
                blobs.clear_intent(conn, content.blob_key)
                row = records.find_by_id(conn, account.id, file_id)
                webhook_events.file_stored(conn, context.settings, account.id, row)
                return row
        except sa.exc.IntegrityError:
            # Lost a race for the same path (PostgreSQL): look again.
            if attempt == _COMMIT_ATTEMPTS - 1:
                raise
    raise BadRequest("Could not find a free unique file name; please retry.")


def _write_records(
    conn: sa.Connection,
    account: Account,
    options: UploadOptions,
    folder: str,
    name: str,
    content: records.Content,
    schemas: dict[str, dict[str, Any]],
) -> str | None:
    """Write the rows; None when a unique name turned out to be taken."""
    now = datetime.now(timezone.utc)
    types = field_types(schemas)
    existing = records.find_by_path(conn, account.id, join_path(folder, name), for_update=True)
    if existing is None:
        attributes = _new_attributes(options, schemas)
        return records.create_file(
            conn,
            account_id=account.id,
            folder=folder,
            name=name,
            content=content,
            attributes=attributes,
            field_types=types,
            now=now,
        )
    if options.use_unique_file_name:
        return None
    if not options.overwrite_file:
        raise _conflict()
    attributes = _overwrite_attributes(existing, options, schemas)
    records.add_version(
        conn, existing, content=content, attributes=attributes, field_types=types, now=now
    )
    return str(existing.id)


def _new_attributes(
    options: UploadOptions, schemas: dict[str, dict[str, Any]]
) -> records.Attributes:
    return records.Attributes(
        tags=options.tags,
        custom_coordinates=options.custom_coordinates,
        custom_metadata=with_defaults(options.custom_metadata or {}, schemas),
        is_private=options.is_private_file,
        is_published=options.is_published,
        description=options.description,
    )


def _overwrite_attributes(
    existing: Any, options: UploadOptions, schemas: dict[str, dict[str, Any]]
) -> records.Attributes:
    """docs/reference/api.md §4.1.6: sent values win; unsent ones are removed unless the overwrite
    flag for
    them is false; customCoordinates not sent are removed."""
    tags = options.tags
    if tags is None and not options.overwrite_tags:
        tags = existing.tags
    custom = options.custom_metadata
    if custom is None and not options.overwrite_custom_metadata:
        custom = existing.custom_metadata or {}
    return records.Attributes(
        tags=tags,
        ai_tags=None if options.overwrite_ai_tags else existing.ai_tags,
        custom_coordinates=options.custom_coordinates,
        custom_metadata=with_defaults(custom or {}, schemas),
        is_private=options.is_private_file,
        is_published=options.is_published,
        description=options.description,
    )
