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

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object, required_string
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.errors import BadRequest, Conflict, NotFound
from imagekit_server.library import named_transformations as named

router = APIRouter(prefix="/v1/x/named-transformations", tags=["named transformations"])


def _not_found(name: str) -> NotFound:
    return NotFound(f"No named transformation exists with the name '{name}'.")


@router.get("", summary="List named transformations")
async def list_named(request: Request, account: Account = Depends(current_account)) -> Any:
    engine = server_context(request).engine

    def run() -> list[dict[str, str]]:
        with read_transaction(engine) as conn:
            return [item.as_json() for item in named.list_all(conn, account.id)]

    return await to_thread.run_sync(run)


@router.post("", status_code=201, summary="Create a named transformation")
async def create_named(request: Request, account: Account = Depends(current_account)) -> Any:
    body = await json_object(request)
    name = required_string(body, "name")
    transformation = required_string(body, "transformation")
    engine = server_context(request).engine

    def run() -> dict[str, str]:
        with write_transaction(engine) as conn:
            return named.create(conn, account.id, name, transformation).as_json()

    try:
        created = await to_thread.run_sync(run)
    except named.NamedTransformationExists as error:
        raise Conflict(str(error)) from None
    except named.NamedTransformationError as error:
        raise BadRequest(str(error)) from None
    return JSONResponse(created, status_code=201)


@router.get("/{name}", summary="Get a named transformation")
async def get_named(
    name: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    engine = server_context(request).engine

    def run() -> dict[str, str] | None:
        with read_transaction(engine) as conn:
            found = named.get(conn, account.id, name)
            return None if found is None else found.as_json()

    found = await to_thread.run_sync(run)
    if found is None:
        raise _not_found(name)
    return found


@router.put("/{name}", summary="Replace a named transformation's chain")
async def update_named(
    name: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    transformation = required_string(await json_object(request), "transformation")
    engine = server_context(request).engine

    def run() -> dict[str, str] | None:
        with write_transaction(engine) as conn:
            updated = named.update(conn, account.id, name, transformation)
            return None if updated is None else updated.as_json()

    try:
        updated = await to_thread.run_sync(run)
    except named.NamedTransformationError as error:
        raise BadRequest(str(error)) from None
    if updated is None:
        raise _not_found(name)
    return updated


@router.delete("/{name}", status_code=204, summary="Delete a named transformation")
async def delete_named(
    name: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    engine = server_context(request).engine

    def run() -> bool:
        with write_transaction(engine) as conn:
            return named.delete(conn, account.id, name)

    if not await to_thread.run_sync(run):
        raise _not_found(name)
    return Response(status_code=204)
