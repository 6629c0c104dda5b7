"""Custom metadata fields an import needs, created in the target when missing (by name),
with the same schema validation as ``POST /v1/customMetadataFields``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.custom_metadata.field_schemas import validated_schema
from imagekit_server.db.engine import write_transaction
from imagekit_server.db.tables import custom_metadata_fields as fields_table
from imagekit_server.ids import new_id


def ensure_fields(
    engine: sa.Engine, account_id: str, definitions: Iterable[dict[str, Any]]
) -> list[str]:
    """Create the fields the target lacks; returns their names. A field the target already has
    keeps its own schema (values that do not fit it then fail per file, with the reason)."""
    created: list[str] = []
    now = datetime.now(timezone.utc)
    with write_transaction(engine) as conn:
        existing = {
            row.name: row.label
            for row in conn.execute(
                sa.select(fields_table.c.name, fields_table.c.label).where(
                    fields_table.c.account_id == account_id, fields_table.c.deleted.is_(False)
                )
            )
        }
        labels = set(existing.values())
        for definition in definitions:
            name = str(definition.get("name") or "")
            if not name or name in existing:
                continue
            label = str(definition.get("label") or name)
            if label in labels:
                label = name  # labels are unique too; the name is the next best
            conn.execute(
                fields_table.insert().values(
                    id=new_id(),
                    account_id=account_id,
                    name=name,
                    label=label,
                    schema=validated_schema(definition.get("schema") or {}),
                    deleted=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            existing[name] = label
            labels.add(label)
            created.append(name)
    return created
