"""Named transformations of an account (`n-<name>` in URLs, transformations.md §9.1).

A named transformation is a chain in URL syntax stored under a name. URLs refer to it with
`n-<name>`; the delivery layer expands it before rendering, and because the expanded text is
part of the derived-image cache key, editing a definition takes effect for new requests at once
(after at most the lookup memo's TTL in other processes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import named_transformations
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

    def as_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "transformation": self.transformation,
            "createdAt": _iso(self.created_at),
            "updatedAt": _iso(self.updated_at),
        }


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _from_row(row: Any) -> NamedTransformation:
    return NamedTransformation(row.name, row.transformation, row.created_at, row.updated_at)


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
        raise NamedTransformationError(f"invalid transformation: {error.message}") from None
    if plan.named:
        raise NamedTransformationError("a named transformation cannot use another one")
    if plan.default_image is not None:
        raise NamedTransformationError("a named transformation cannot set a default image")
    return text


def get(conn: sa.Connection, account_id: str, name: str) -> NamedTransformation | None:
    row = conn.execute(
        sa.select(named_transformations).where(
            named_transformations.c.account_id == account_id,
            named_transformations.c.name == name,
        )
    ).first()
    return None if row is None else _from_row(row)


def list_all(conn: sa.Connection, account_id: str) -> list[NamedTransformation]:
    rows = conn.execute(
        sa.select(named_transformations)
        .where(named_transformations.c.account_id == account_id)
        .order_by(named_transformations.c.name)
    )
    return [_from_row(row) for row in rows]


def create(
    conn: sa.Connection, account_id: str, name: str, transformation: str
) -> NamedTransformation:
    text = validate(name, transformation)
    if get(conn, account_id, name) is not None:
        raise NamedTransformationExists(f"a named transformation '{name}' exists already")
    now = datetime.now(timezone.utc)
    conn.execute(
        named_transformations.insert().values(
            id=new_id(),
            account_id=account_id,
            name=name,
            transformation=text,
            created_at=now,
            updated_at=now,
        )
    )
    return NamedTransformation(name, text, now, now)


def update(
    conn: sa.Connection, account_id: str, name: str, transformation: str
) -> NamedTransformation | None:
    """Replace the definition; None when there is no such name."""
    text = validate(name, transformation)
    existing = get(conn, account_id, name)
    if existing is None:
        return None
    now = datetime.now(timezone.utc)
    conn.execute(
        named_transformations.update()
        .where(
            named_transformations.c.account_id == account_id,
            named_transformations.c.name == name,
        )
        .values(transformation=text, updated_at=now)
    )
    return NamedTransformation(name, text, existing.created_at, now)


def delete(conn: sa.Connection, account_id: str, name: str) -> bool:
    result = conn.execute(
        named_transformations.delete().where(
            named_transformations.c.account_id == account_id,
            named_transformations.c.name == name,
        )
    )
    return bool(result.rowcount)


# Names every account has unless it stores its own: the media library thumbnails that the
# `thumbnail`/`thumbnailUrl` fields of file responses point at.
BUILT_IN_DEFINITIONS = {
    "ik_ml_thumbnail": "w-200,h-200,c-at_max",
    "media_library_thumbnail": "w-200,h-200,c-at_max",
}


def definitions(conn: sa.Connection, account_id: str, names: tuple[str, ...]) -> dict[str, str]:
    """The chains of ``names`` that exist, stored or built in (for URL expansion)."""
    rows = conn.execute(
        sa.select(named_transformations.c.name, named_transformations.c.transformation).where(
            named_transformations.c.account_id == account_id,
            named_transformations.c.name.in_(names),
        )
    )
    built_in = {name: BUILT_IN_DEFINITIONS[name] for name in names if name in BUILT_IN_DEFINITIONS}
    return {**built_in, **{row.name: row.transformation for row in rows}}
