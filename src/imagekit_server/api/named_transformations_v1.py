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

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account
from imagekit_server.api.json_body import json_object, optional_bool, required_string
from imagekit_server.api.record_routes import Refusal, in_transaction
from imagekit_server.errors import BadRequest, Conflict, NotFound
from imagekit_server.library import named_transformations as named

router = APIRouter(prefix="/v1/named-transformations", tags=["named transformations"])

# Store errors: a taken name -> 409, an invalid name or chain -> 400.
REFUSALS: tuple[Refusal, ...] = (
    (named.NamedTransformationExists, Conflict),
    (named.NamedTransformationError, BadRequest),
)


def _not_found(item_id: str) -> NotFound:
    return NotFound(f"No named transformation exists with the id '{item_id}'.")


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    return None if body.get(name) is None else required_string(body, name)


@router.get("", summary="List named transformations")
async def list_named(request: Request, account: Account = Depends(current_account)) -> Any:
    found = await in_transaction(
        request, lambda conn: named.list_all(conn, account.id), write=False
    )
    return [item.as_v1_json() for item in found]


@router.post("", status_code=201, summary="Create a named transformation")
async def create_named(request: Request, account: Account = Depends(current_account)) -> Any:
    body = await json_object(request)
    name = required_string(body, "name")
    transformation = required_string(body, "transformation")
    enabled = optional_bool(body, "enabled", default=True)
    created = await in_transaction(
        request,
        lambda conn: named.create(conn, account.id, name, transformation, enabled=enabled),
        write=True,
        refusals=REFUSALS,
    )
    return JSONResponse(created.as_v1_json(), status_code=201)


@router.get("/{item_id}", summary="Get a named transformation")
async def get_named(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    found = await in_transaction(
        request, lambda conn: named.get_by_id(conn, account.id, item_id), write=False
    )
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
    updated = await in_transaction(
        request,
        lambda conn: named.update_by_id(
            conn, account.id, item_id, name=name, transformation=transformation, enabled=enabled
        ),
        write=True,
        refusals=REFUSALS,
    )
    if updated is None:
        raise _not_found(item_id)
    return updated.as_v1_json()


@router.delete("/{item_id}", status_code=204, summary="Delete a named transformation")
async def delete_named(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    deleted = await in_transaction(
        request, lambda conn: named.delete_by_id(conn, account.id, item_id), write=True
    )
    if not deleted:
        raise _not_found(item_id)
    return Response(status_code=204)
