"""Saved extensions of an account (docs/reference/api.md §5): a name, a description and a validated
extension
configuration, stored for 5.x clients that manage them; uploads and updates run one by id
(``{"name": "saved-extension", "id": ...}``, docs/extensions.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.account_records import AccountRecords, now
from imagekit_server.db.tables import saved_extensions
from imagekit_server.extensions.configs import validate_extension_config
from imagekit_server.files.objects import iso_time
from imagekit_server.ids import new_id

MAX_PER_ACCOUNT = 100
MAX_NAME_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 1024


class SavedExtensionError(ValueError):
    """An invalid field or the per-account limit; the message is safe to show."""


@dataclass(frozen=True)
class SavedExtension:
    id: str
    name: str
    description: str
    config: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "config": self.config,
            "createdAt": iso_time(self.created_at),
            "updatedAt": iso_time(self.updated_at),
        }


def _from_row(row: Any) -> SavedExtension:
    return SavedExtension(
        row.id, row.name, row.description, row.config, row.created_at, row.updated_at
    )


def _text(value: str, field: str, limit: int) -> str:
    if not value.strip() and field == "name":
        raise SavedExtensionError("name must not be empty.")
    if len(value) > limit:
        raise SavedExtensionError(f"{field} may have at most {limit} characters.")
    return value


_RECORDS = AccountRecords(
    saved_extensions, _from_row, [saved_extensions.c.created_at, saved_extensions.c.id]
)


def list_all(conn: sa.Connection, account_id: str) -> list[SavedExtension]:
    return _RECORDS.list_all(conn, account_id)


def get(conn: sa.Connection, account_id: str, item_id: str) -> SavedExtension | None:
    return _RECORDS.find(conn, account_id, id=item_id)


def create(
    conn: sa.Connection, account_id: str, name: str, description: str, config: object
) -> SavedExtension:
    if _RECORDS.count(conn, account_id) >= MAX_PER_ACCOUNT:
        raise SavedExtensionError(
            f"An account can have at most {MAX_PER_ACCOUNT} saved extensions."
        )
    created = now()
    item = SavedExtension(
        new_id(),
        _text(name, "name", MAX_NAME_LENGTH),
        _text(description, "description", MAX_DESCRIPTION_LENGTH),
        validate_extension_config(config),
        created,
        created,
    )
    _RECORDS.insert(
        conn,
        account_id,
        {
            "id": item.id,
            "name": item.name,
            "description": item.description,
            "config": item.config,
            "created_at": created,
            "updated_at": created,
        },
    )
    return item


def update(
    conn: sa.Connection,
    account_id: str,
    item_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
    config: object = None,
) -> SavedExtension | None:
    """Change the given fields; None when there is no such id."""
    existing = get(conn, account_id, item_id)
    if existing is None:
        return None
    changed = replace(
        existing,
        name=existing.name if name is None else _text(name, "name", MAX_NAME_LENGTH),
        description=existing.description
        if description is None
        else _text(description, "description", MAX_DESCRIPTION_LENGTH),
        config=existing.config if config is None else validate_extension_config(config),
        updated_at=now(),
    )
    _RECORDS.update(
        conn,
        account_id,
        {
            "name": changed.name,
            "description": changed.description,
            "config": changed.config,
            "updated_at": changed.updated_at,
        },
        id=item_id,
    )
    return changed


def delete(conn: sa.Connection, account_id: str, item_id: str) -> bool:
    return _RECORDS.delete(conn, account_id, id=item_id)
