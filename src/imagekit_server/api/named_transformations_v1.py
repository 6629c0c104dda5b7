"""ImageKit's named-transformations API (the official 5.x SDK), keyed by id:

* ``GET    /v1/named-transformations`` -> ``[{id, name, transformation, enabled, createdAt,
  updatedAt}]``
* ``POST   /v1/named-transformations`` ``{"name", "transformation", "enabled"?}`` -> 201
* ``GET    /v1/named-transformations/{id}`` -> the object (404 when unknown)
* ``PATCH  /v1/named-transformations/{id}`` any of ``name``, ``transformation``, ``enabled``
* ``DELETE /v1/named-transformations/{id}`` -> 204

The same store as ``/v1/x/named-transformations`` (keyed by name); a disabled one fails at
delivery like an unknown name. Invalid names or chains -> 400; a taken name -> 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object, optional_bool, required_string
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.errors import BadRequest, Conflict, NotFound
from imagekit_server.library import named_transformations as named

router = APIRouter(prefix="/v1/named-transformations", tags=["named transformations"])
T = TypeVar("T")


def _not_found(item_id: str) -> NotFound:
    return NotFound(f"No named transformation exists with the id '{item_id}'.")


async def _write(request: Request, change: Callable[[sa.Connection], T]) -> T:
    """Run ``change`` in a write transaction, store errors turned into 400/409."""
    engine = server_context(request).engine

    def run() -> T:
        with write_transaction(engine) as conn:
            return change(conn)

    try:
        return await to_thread.run_sync(run)
    except named.NamedTransformationExists as error:
        raise Conflict(str(error)) from None
    except named.NamedTransformationError as error:
        raise BadRequest(str(error)) from None


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    return None if body.get(name) is None else required_string(body, name)


@router.get("", summary="List named transformations")
async def list_named(request: Request, account: Account = Depends(current_account)) -> Any:
    engine = server_context(request).engine

    def run() -> list[dict[str, Any]]:
        with read_transaction(engine) as conn:
            return [item.as_v1_json() for item in named.list_all(conn, account.id)]

    return await to_thread.run_sync(run)


@router.post("", status_code=201, summary="Create a named transformation")
async def create_named(request: Request, account: Account = Depends(current_account)) -> Any:
    body = await json_object(request)
    name = required_string(body, "name")
    transformation = required_string(body, "transformation")
    enabled = optional_bool(body, "enabled", default=True)
    created = await _write(
        request,
        lambda conn: named.create(conn, account.id, name, transformation, enabled=enabled),
    )
    return JSONResponse(created.as_v1_json(), status_code=201)


@router.get("/{item_id}", summary="Get a named transformation")
async def get_named(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    engine = server_context(request).engine

    def run() -> named.NamedTransformation | None:
        with read_transaction(engine) as conn:
            return named.get_by_id(conn, account.id, item_id)

    found = await to_thread.run_sync(run)
    if found is None:
        raise _not_found(item_id)
    return found.as_v1_json()


@router.patch("/{item_id}", summary="Update a named transformation")
async def update_named(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    body = await json_object(request)
    name = _optional_string(body, "name")
    transformation = _optional_string(body, "transformation")
    enabled = optional_bool(body, "enabled") if body.get("enabled") is not None else None
    updated = await _write(
        request,
        lambda conn: named.update_by_id(
            conn, account.id, item_id, name=name, transformation=transformation, enabled=enabled
        ),
    )
    if updated is None:
        raise _not_found(item_id)
    return updated.as_v1_json()


@router.delete("/{item_id}", status_code=204, summary="Delete a named transformation")
async def delete_named(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    if not await _write(request, lambda conn: named.delete_by_id(conn, account.id, item_id)):
        raise _not_found(item_id)
    return Response(status_code=204)
