"""Named transformations of an account (`n-<name>` in URLs, docs/reference/transformations.md §9.1).

A named transformation is a chain in URL syntax stored under a name. URLs refer to it with
`n-<name>`; the delivery layer expands it before rendering, and because the expanded text is
part of the derived-image cache key, editing a definition takes effect for new requests at once
(after at most the lookup memo's TTL in other processes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.account_records import AccountRecords, now
from imagekit_server.db.tables import named_transformations
from imagekit_server.files.objects import iso_time
from imagekit_server.ids import new_id
from imagekit_server.imaging import TransformationError, parse_transformation

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAX_TRANSFORMATION_LENGTH = 4000


class NamedTransformationError(ValueError):
    """An invalid name or definition; the message is safe to show."""


class NamedTransformationExists(NamedTransformationError):
    pass


@dataclass(frozen=True)
class NamedTransformation:
    name: str
    transformation: str
    created_at: datetime
    updated_at: datetime
    id: str
    enabled: bool

    def as_json(self) -> dict[str, str]:
        """The shape of ``/v1/x/named-transformations`` (keyed by name)."""
        return {
            "name": self.name,
            "transformation": self.transformation,
            "createdAt": iso_time(self.created_at),
            "updatedAt": iso_time(self.updated_at),
        }

    def as_v1_json(self) -> dict[str, Any]:
        """The shape of ImageKit's ``/v1/named-transformations`` (keyed by id, 5.x SDK)."""
        return {"id": self.id, "enabled": self.enabled, **self.as_json()}


def _from_row(row: Any) -> NamedTransformation:
    return NamedTransformation(
        row.name, row.transformation, row.created_at, row.updated_at, row.id, row.enabled
    )


def validate(name: str, transformation: str) -> str:
    """The definition as stored (``tr:`` prefix removed); raises NamedTransformationError."""
    if not _NAME.fullmatch(name):
        raise NamedTransformationError(
            "name must be 1-64 characters of letters, digits, '_' and '-', starting with a "
            "letter or digit"
        )
    text = transformation.strip().removeprefix("tr:")
    if not text or len(text) > MAX_TRANSFORMATION_LENGTH:
        raise NamedTransformationError(
            f"transformation must be 1-{MAX_TRANSFORMATION_LENGTH} characters"
        )
    try:
        plan = parse_transformation(text)
    except TransformationError as error:
        if not _valid_for_video(text):
            raise NamedTransformationError(f"invalid transformation: {error.message}") from None
        return text  # a video chain (imagekit_server.video.plan)
    if plan.named:
        raise NamedTransformationError("a named transformation cannot use another one")
    if plan.default_image is not None:
        raise NamedTransformationError("a named transformation cannot set a default image")
    return text


def _valid_for_video(text: str) -> bool:
    from imagekit_server.video.plan import named_in, parse_video_plan

    try:
        return not named_in(text) and parse_video_plan(text) is not None
    except TransformationError:
        return False


_RECORDS = AccountRecords(named_transformations, _from_row, [named_transformations.c.name])


def get(conn: sa.Connection, account_id: str, name: str) -> NamedTransformation | None:
    return _RECORDS.find(conn, account_id, name=name)


def list_all(conn: sa.Connection, account_id: str) -> list[NamedTransformation]:
    return _RECORDS.list_all(conn, account_id)


def get_by_id(conn: sa.Connection, account_id: str, item_id: str) -> NamedTransformation | None:
    return _RECORDS.find(conn, account_id, id=item_id)


def create(
    conn: sa.Connection, account_id: str, name: str, transformation: str, *, enabled: bool = True
) -> NamedTransformation:
    text = validate(name, transformation)
    _refuse_taken_name(conn, account_id, name)
    created = now()
    item = NamedTransformation(name, text, created, created, new_id(), enabled)
    _RECORDS.insert(
        conn,
        account_id,
        {
            "id": item.id,
            "name": name,
            "transformation": text,
            "enabled": enabled,
            "created_at": created,
            "updated_at": created,
        },
    )
    return item


def _refuse_taken_name(conn: sa.Connection, account_id: str, name: str) -> None:
    if get(conn, account_id, name) is not None:
        raise NamedTransformationExists(f"a named transformation '{name}' exists already")


def update_by_id(
    conn: sa.Connection,
    account_id: str,
    item_id: str,
    *,
    name: str | None = None,
    transformation: str | None = None,
    enabled: bool | None = None,
) -> NamedTransformation | None:
    """Change the given fields (a rename keeps the id); None when there is no such id."""
    existing = get_by_id(conn, account_id, item_id)
    if existing is None:
        return None
    new_name = existing.name if name is None else name
    text = validate(new_name, existing.transformation if transformation is None else transformation)
    if new_name != existing.name:
        _refuse_taken_name(conn, account_id, new_name)
    changed = replace(
        existing,
        name=new_name,
        transformation=text,
        enabled=existing.enabled if enabled is None else enabled,
        updated_at=now(),
    )
    _RECORDS.update(
        conn,
        account_id,
        {
            "name": changed.name,
            "transformation": changed.transformation,
            "enabled": changed.enabled,
            "updated_at": changed.updated_at,
        },
        id=item_id,
    )
    return changed


def delete_by_id(conn: sa.Connection, account_id: str, item_id: str) -> bool:
    return _RECORDS.delete(conn, account_id, id=item_id)


def update(
    conn: sa.Connection, account_id: str, name: str, transformation: str
) -> NamedTransformation | None:
    """Replace the definition; None when there is no such name."""
    text = validate(name, transformation)
    existing = get(conn, account_id, name)
    if existing is None:
        return None
    changed = replace(existing, transformation=text, updated_at=now())
    _RECORDS.update(
        conn, account_id, {"transformation": text, "updated_at": changed.updated_at}, name=name
    )
    return changed


def delete(conn: sa.Connection, account_id: str, name: str) -> bool:
    return _RECORDS.delete(conn, account_id, name=name)


# Names every account has unless it stores its own: the media library thumbnails that the
# `thumbnail`/`thumbnailUrl` fields of file responses point at.
BUILT_IN_DEFINITIONS = {
    "ik_ml_thumbnail": "w-200,h-200,c-at_max",
    "media_library_thumbnail": "w-200,h-200,c-at_max",
}


def definitions(conn: sa.Connection, account_id: str, names: tuple[str, ...]) -> dict[str, str]:
    """The chains of ``names`` that exist and are enabled, stored or built in (for URLs)."""
    rows = conn.execute(
        sa.select(named_transformations.c.name, named_transformations.c.transformation).where(
            named_transformations.c.account_id == account_id,
            named_transformations.c.name.in_(names),
            named_transformations.c.enabled.is_(True),
        )
    )
    built_in = {name: BUILT_IN_DEFINITIONS[name] for name in names if name in BUILT_IN_DEFINITIONS}
    return {**built_in, **{row.name: row.transformation for row in rows}}
