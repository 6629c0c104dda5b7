"""``/v1/saved-extensions`` (docs/reference/api.md §5, the official 5.x SDK):

* ``GET    /v1/saved-extensions`` -> ``[{id, name, description, config, createdAt, updatedAt}]``
* ``POST   /v1/saved-extensions`` ``{"name", "description", "config"}`` -> the object
* ``GET    /v1/saved-extensions/{id}`` -> the object (404 when unknown)
* ``PATCH  /v1/saved-extensions/{id}`` any of ``name``, ``description``, ``config``
* ``DELETE /v1/saved-extensions/{id}`` -> 204

``config`` must be a valid extension configuration (400 naming the field otherwise).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account
from imagekit_server.api.json_body import json_object, required_string
from imagekit_server.api.record_routes import Refusal, in_transaction
from imagekit_server.errors import ApiError, BadRequest, NotFound
from imagekit_server.extensions import saved
from imagekit_server.extensions.configs import ExtensionConfigError

router = APIRouter(prefix="/v1/saved-extensions", tags=["saved extensions"])


def _invalid(message: str) -> ApiError:
    return BadRequest(message, reason="INVALID_PARAMETER")


# An invalid field, configuration or the per-account limit -> 400.
REFUSALS: tuple[Refusal, ...] = (
    (saved.SavedExtensionError, _invalid),
    (ExtensionConfigError, _invalid),
)


def _not_found(item_id: str) -> NotFound:
    return NotFound(f"No saved extension exists with the id '{item_id}'.")


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string.", reason="INVALID_PARAMETER")
    return value


@router.get("", summary="List saved extensions")
async def list_saved(request: Request, account: Account = Depends(current_account)) -> Any:
    found = await in_transaction(
        request, lambda conn: saved.list_all(conn, account.id), write=False
    )
    return [item.as_json() for item in found]


@router.post("", summary="Create a saved extension")
async def create_saved(request: Request, account: Account = Depends(current_account)) -> Any:
    body = await json_object(request)
    name = required_string(body, "name")
    description = _optional_string(body, "description")
    if description is None:
        raise BadRequest("Missing parameter description.", reason="MISSING_PARAMETER")
    if "config" not in body:
        raise BadRequest("Missing parameter config.", reason="MISSING_PARAMETER")
    created = await in_transaction(
        request,
        lambda conn: saved.create(conn, account.id, name, description, body["config"]),
        write=True,
        refusals=REFUSALS,
    )
    return created.as_json()


@router.get("/{item_id}", summary="Get a saved extension")
async def get_saved(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    found = await in_transaction(
        request, lambda conn: saved.get(conn, account.id, item_id), write=False
    )
    if found is None:
        raise _not_found(item_id)
    return found.as_json()


@router.patch("/{item_id}", summary="Update a saved extension")
async def update_saved(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Any:
    body = await json_object(request)
    name = _optional_string(body, "name")
    description = _optional_string(body, "description")
    updated = await in_transaction(
        request,
        lambda conn: saved.update(
            conn, account.id, item_id, name=name, description=description, config=body.get("config")
        ),
        write=True,
        refusals=REFUSALS,
    )
    if updated is None:
        raise _not_found(item_id)
    return updated.as_json()


@router.delete("/{item_id}", status_code=204, summary="Delete a saved extension")
async def delete_saved(
    item_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    if not await in_transaction(
        request, lambda conn: saved.delete(conn, account.id, item_id), write=True
    ):
        raise _not_found(item_id)
    return Response(status_code=204)
