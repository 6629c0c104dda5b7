"""``PATCH /v1/files/{id}/details`` (docs/reference/api.md §4.4): a details update or a publication
change.

The body is validated completely before the file is touched; the update then runs on the
locked row (see ``file_state``) so concurrent updates of one file compose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.custom_metadata.values import (
    field_types,
    load_schemas,
    validate_values,
    with_defaults,
)
from imagekit_server.db.tables import file_versions
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.files.records import Attributes
from imagekit_server.library.file_state import attributes_of, lock_file, save_attributes
from imagekit_server.library.tag_rules import checked_tags, without_ai_tags

DETAIL_KEYS = frozenset(
    {
        "removeAITags",
        "webhookUrl",
        "extensions",
        "tags",
        "customCoordinates",
        "customMetadata",
        "description",
    }
)
_COORDINATES = re.compile(r"\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*")
_UNSET = object()
MAX_DESCRIPTION_LENGTH = 1024


@dataclass(frozen=True)
class Publication:
    is_published: bool
    include_versions: bool


@dataclass(frozen=True)
class DetailsChange:
    """What a details update sets; ``_UNSET`` fields are left alone."""

    tags: Any = _UNSET
    custom_coordinates: Any = _UNSET
    custom_metadata: dict[str, Any] | None = None
    remove_ai_tags: Any = _UNSET  # list of names, or None for "all"
    description: Any = _UNSET


FileUpdate = DetailsChange | Publication


def parse_update(body: dict[str, Any]) -> FileUpdate:
    if "publish" in body:
        if len(body) > 1:
            raise BadRequest(
                "Other parameters are not allowed when publish is sent: "
                "update the publication status in a request of its own."
            )
        return _publication(body["publish"])
    unknown = sorted(set(body) - DETAIL_KEYS)
    if unknown:
        raise BadRequest(f"Unknown parameter(s): {', '.join(unknown)}.")
    if not isinstance(body.get("extensions"), list | None):
        raise BadRequest("Invalid extensions parameter: expected an array.")
    if "webhookUrl" in body and not isinstance(body["webhookUrl"], str | None):
        raise BadRequest("webhookUrl must be a string.")
    return DetailsChange(
        tags=_tags(body["tags"]) if "tags" in body else _UNSET,
        custom_coordinates=(
            _coordinates(body["customCoordinates"]) if "customCoordinates" in body else _UNSET
        ),
        custom_metadata=_custom_metadata(body.get("customMetadata")),
        remove_ai_tags=(_ai_tag_names(body["removeAITags"]) if "removeAITags" in body else _UNSET),
        description=_description(body["description"]) if "description" in body else _UNSET,
    )


def _publication(raw: Any) -> Publication:
    if not isinstance(raw, dict) or not isinstance(raw.get("isPublished"), bool):
        raise BadRequest("publish.isPublished is required and must be a boolean.")
    include = raw.get("includeFileVersions", False)
    if not isinstance(include, bool):
        raise BadRequest("publish.includeFileVersions must be a boolean.")
    return Publication(raw["isPublished"], include)


def _tags(raw: Any) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(tag, str) for tag in raw):
        raise BadRequest("tags must be an array of strings or null.")
    return checked_tags(raw) or None


def _coordinates(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _COORDINATES.fullmatch(raw):
        raise BadRequest("Invalid customCoordinates parameter: expected x,y,width,height.")
    return ",".join(part.strip() for part in raw.split(","))


def _custom_metadata(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequest("customMetadata must be an object.")
    return raw


def _ai_tag_names(raw: Any) -> list[str] | None:
    if raw == "all":
        return None
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise BadRequest('removeAITags must be an array of strings or "all".')
    return raw


def _description(raw: Any) -> str | None:
    if raw is not None and not isinstance(raw, str):
        raise BadRequest("description must be a string.")
    if raw is not None and len(raw) > MAX_DESCRIPTION_LENGTH:
        raise BadRequest(f"description must be at most {MAX_DESCRIPTION_LENGTH} characters.")
    return raw


def apply_update(
    conn: sa.Connection, account_id: str, file_id: str, update: FileUpdate
) -> sa.Row[Any]:
    """Apply ``update`` to the file in the caller's write transaction; returns the new row."""
    row = lock_file(conn, account_id, file_id)
    if row is None:
        raise NotFound("The requested file does not exist.")
    schemas = load_schemas(conn, account_id)
    now = datetime.now(timezone.utc)
    if isinstance(update, Publication):
        attributes = replace(attributes_of(row), is_published=update.is_published)
        if update.include_versions:
            _publish_versions(conn, file_id, update.is_published, now)
    else:
        attributes = _changed(attributes_of(row), update, schemas)
    save_attributes(conn, row, attributes, field_types=field_types(schemas), now=now)
    updated = lock_file(conn, account_id, file_id)
    assert updated is not None
    return updated


def _changed(
    attributes: Attributes, change: DetailsChange, schemas: dict[str, dict[str, Any]]
) -> Attributes:
    if change.remove_ai_tags is not _UNSET:
        ai_tags = without_ai_tags(attributes.ai_tags, change.remove_ai_tags)
        attributes = replace(attributes, ai_tags=ai_tags)
    if change.tags is not _UNSET:
        attributes = replace(attributes, tags=change.tags)
    if change.custom_coordinates is not _UNSET:
        attributes = replace(attributes, custom_coordinates=change.custom_coordinates)
    if change.description is not _UNSET:
        attributes = replace(attributes, description=change.description)
    if change.custom_metadata is not None:
        validate_values(change.custom_metadata, schemas)
        merged = {**attributes.custom_metadata, **change.custom_metadata}
        attributes = replace(attributes, custom_metadata=with_defaults(merged, schemas))
    return attributes


def _publish_versions(conn: sa.Connection, file_id: str, published: bool, now: datetime) -> None:
    rows = conn.execute(
        sa.select(file_versions.c.id, file_versions.c.attributes).where(
            file_versions.c.file_id == file_id
        )
    ).all()
    for version in rows:
        snapshot = {**(version.attributes or {}), "isPublished": published}
        conn.execute(
            file_versions.update()
            .where(file_versions.c.id == version.id)
            .values(attributes=snapshot, updated_at=now)
        )
