"""``/v1/customMetadataFields``: create, list, update, delete (docs/reference/api.md §2.5, §4.21).

Names are unique forever (a deleted field keeps its name reserved); labels are unique among
fields that are not deleted. Deletion is soft.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object
from imagekit_server.custom_metadata.field_schemas import validated_schema
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import custom_metadata_fields as fields_table
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.ids import is_valid_id, new_id

router = APIRouter(prefix="/v1/customMetadataFields", tags=["custom metadata fields"])
MAX_NAME_LENGTH = 255


def field_object(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "label": row.label, "schema": dict(row.schema)}


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{name} is required and must be a non-empty string.")
    if len(value) > MAX_NAME_LENGTH:
        raise BadRequest(f"{name} must be at most {MAX_NAME_LENGTH} characters long.")
    return value


def _label_taken(conn: sa.Connection, account_id: str, label: str, except_id: str = "") -> bool:
    query = sa.select(fields_table.c.id).where(
        fields_table.c.account_id == account_id,
        fields_table.c.label == label,
        fields_table.c.deleted.is_(False),
        fields_table.c.id != except_id,
    )
    return conn.execute(query).first() is not None


@router.post("", status_code=201, summary="Create a custom metadata field")
async def create_field(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    body = await json_object(request)
    name, label = _text(body, "name"), _text(body, "label")
    if "schema" not in body:
        raise BadRequest("schema is required.", errors={"schema": "is required"})
    schema = validated_schema(body["schema"])
    context = server_context(request)

    def create() -> dict[str, Any]:
        now = datetime.now(timezone.utc)
        with write_transaction(context.engine) as conn:
            taken = conn.execute(
                sa.select(fields_table.c.id).where(
                    fields_table.c.account_id == account.id, fields_table.c.name == name
                )
            ).first()
            if taken:
                raise BadRequest("A custom metadata field with this name already exists.")
            if _label_taken(conn, account.id, label):
                raise BadRequest("A custom metadata field with this label already exists.")
            row = {"id": new_id(), "account_id": account.id, "name": name, "label": label}
            conn.execute(
                fields_table.insert().values(
                    **row, schema=schema, deleted=False, created_at=now, updated_at=now
                )
            )
        return {"id": row["id"], "name": name, "label": label, "schema": schema}

    return JSONResponse(await to_thread.run_sync(create), status_code=201)


@router.get("", summary="List custom metadata fields")
async def list_fields(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    raw = (request.query_params.get("includeDeleted") or "false").lower()
    if raw not in ("true", "false"):
        raise BadRequest("includeDeleted must be true or false.")
    context = server_context(request)

    def load() -> list[dict[str, Any]]:
        query = sa.select(fields_table).where(fields_table.c.account_id == account.id)
        if raw == "false":
            query = query.where(fields_table.c.deleted.is_(False))
        with read_transaction(context.engine) as conn:
            rows = conn.execute(query.order_by(fields_table.c.created_at, fields_table.c.id))
            return [field_object(row) for row in rows]

    return JSONResponse(await to_thread.run_sync(load))


def _find(conn: sa.Connection, account_id: str, field_id: str) -> Any:
    row = conn.execute(
        sa.select(fields_table).where(
            fields_table.c.account_id == account_id, fields_table.c.id == field_id
        )
    ).first()
    if row is None:
        raise NotFound("No such custom metadata field exists.")
    return row


def _checked_field_id(field_id: str) -> str:
    if not is_valid_id(field_id):
        raise BadRequest("Your request contains invalid id parameter.")
    return field_id


@router.patch("/{field_id}", summary="Update a custom metadata field")
async def update_field(
    field_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    _checked_field_id(field_id)
    body = await json_object(request)
    # 4.x always sends "label"; null means "not provided" (docs/reference/api.md §1.7 item 9).
    label = _text(body, "label") if body.get("label") is not None else None
    raw_schema = body.get("schema")
    if label is None and raw_schema is None:
        raise BadRequest("Either label or schema is required.")
    context = server_context(request)

    def update() -> dict[str, Any]:
        with write_transaction(context.engine) as conn:
            row = _find(conn, account.id, field_id)
            if row.deleted:
                raise BadRequest("A deleted custom metadata field cannot be updated.")
            changes: dict[str, Any] = {"updated_at": datetime.now(timezone.utc)}
            if label is not None:
                if _label_taken(conn, account.id, label, except_id=field_id):
                    raise BadRequest("A custom metadata field with this label already exists.")
                changes["label"] = label
            if raw_schema is not None:
                changes["schema"] = validated_schema(raw_schema, field_type=row.schema["type"])
            conn.execute(fields_table.update().where(fields_table.c.id == field_id), changes)
            return field_object(_find(conn, account.id, field_id))

    return JSONResponse(await to_thread.run_sync(update))


@router.delete("/{field_id}", status_code=204, summary="Delete a custom metadata field")
async def delete_field(
    field_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    _checked_field_id(field_id)
    context = server_context(request)

    def delete() -> None:
        with write_transaction(context.engine) as conn:
            row = _find(conn, account.id, field_id)
            if row.deleted:
                raise NotFound("No such custom metadata field exists.")
            conn.execute(
                fields_table.update()
                .where(fields_table.c.id == field_id)
                .values(deleted=True, updated_at=datetime.now(timezone.utc))
            )

    await to_thread.run_sync(delete)
    return Response(status_code=204)
