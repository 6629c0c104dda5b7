"""Named transformations of the authenticated account (our extension, not ImageKit's API):

* ``GET    /v1/x/named-transformations`` -> ``[{name, transformation, createdAt, updatedAt}]``
* ``POST   /v1/x/named-transformations`` ``{"name", "transformation"}`` -> 201, the object
* ``GET    /v1/x/named-transformations/{name}`` -> the object (404 when unknown)
* ``PUT    /v1/x/named-transformations/{name}`` ``{"transformation"}`` -> the object
* ``DELETE /v1/x/named-transformations/{name}`` -> 204

HTTP Basic with the private key, like every API route. ``transformation`` is a chain in URL
syntax (``w-300,h-200:rt-90``, an optional ``tr:`` prefix is dropped); URLs use it as
``n-<name>``. Invalid names or chains -> 400; a duplicate name -> 409.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account
from imagekit_server.api.json_body import json_object, required_string
from imagekit_server.api.named_transformations_v1 import REFUSALS
from imagekit_server.api.record_routes import in_transaction
from imagekit_server.errors import NotFound
from imagekit_server.library import named_transformations as named

router = APIRouter(prefix="/v1/x/named-transformations", tags=["named transformations"])


def _not_found(name: str) -> NotFound:
    return NotFound(f"No named transformation exists with the name '{name}'.")


@router.get("", summary="List named transformations")
async def list_named(request: Request, account: Account = Depends(current_account)) -> Any:
    found = await in_transaction(
        request, lambda conn: named.list_all(conn, account.id), write=False
    )
    return [item.as_json() for item in found]


@router.post("", status_code=201, summary="Create a named transformation")
async def create_named(request: Request, account: Account = Depends(current_account)) -> Any:
    body = await json_object(request)
    name = required_string(body, "name")
    transformation = required_string(body, "transformation")
    created = await in_transaction(
        request,
        lambda conn: named.create(conn, account.id, name, transformation),
        write=True,
        refusals=REFUSALS,
    )
    return JSONResponse(created.as_json(), status_code=201)


@router.get("/{name}", summary="Get a named transformation")
async def get_named(
    name: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    found = await in_transaction(
        request, lambda conn: named.get(conn, account.id, name), write=False
    )
    if found is None:
        raise _not_found(name)
    return found.as_json()


@router.put("/{name}", summary="Replace a named transformation's chain")
async def update_named(
    name: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    transformation = required_string(await json_object(request), "transformation")
    updated = await in_transaction(
        request,
        lambda conn: named.update(conn, account.id, name, transformation),
        write=True,
        refusals=REFUSALS,
    )
    if updated is None:
        raise _not_found(name)
    return updated.as_json()


@router.delete("/{name}", status_code=204, summary="Delete a named transformation")
async def delete_named(
    name: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    deleted = await in_transaction(
        request, lambda conn: named.delete(conn, account.id, name), write=True
    )
    if not deleted:
        raise _not_found(name)
    return Response(status_code=204)
