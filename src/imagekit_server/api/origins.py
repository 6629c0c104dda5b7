"""``/v1/accounts/origins``: create, list, read, replace and delete origins (docs/reference/api.md
§5).

Secrets (access keys) are accepted and kept, never returned.
"""

from __future__ import annotations

from functools import partial

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object
from imagekit_server.errors import NotFound
from imagekit_server.origins import records
from imagekit_server.origins.cache import forget_copies_of
from imagekit_server.origins.models import OriginRequest, parse_origin_request
from imagekit_server.origins.self_reference import refuse_self_reference

router = APIRouter(prefix="/v1/accounts/origins", tags=["origins"])

NOT_FOUND = "The requested origin does not exist."


@router.post("", summary="Create an origin")
async def create_origin(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    origin_request = await _origin_request(request)
    engine = server_context(request).engine
    origin = await to_thread.run_sync(records.create_origin, engine, account.id, origin_request)
    return JSONResponse(origin.public_json())


@router.get("", summary="List origins")
async def list_origins(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    found = await to_thread.run_sync(records.list_origins, engine, account.id)
    return JSONResponse([origin.public_json() for origin in found])


@router.get("/{origin_id}", summary="Get an origin")
async def get_origin(
    origin_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    origin = await to_thread.run_sync(records.get_origin, engine, account.id, origin_id)
    if origin is None:
        raise NotFound(NOT_FOUND)
    return JSONResponse(origin.public_json())


@router.put("/{origin_id}", summary="Replace an origin")
async def replace_origin(
    origin_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    origin_request = await _origin_request(request)
    engine = server_context(request).engine
    origin = await to_thread.run_sync(
        records.replace_origin, engine, account.id, origin_id, origin_request
    )
    if origin is None:
        raise NotFound(NOT_FOUND)
    await _forget_copies(request, account.id, origin_id)
    return JSONResponse(origin.public_json())


@router.delete("/{origin_id}", status_code=204, summary="Delete an origin")
async def delete_origin(
    origin_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    engine = server_context(request).engine
    if not await to_thread.run_sync(records.delete_origin, engine, account.id, origin_id):
        raise NotFound(NOT_FOUND)
    await _forget_copies(request, account.id, origin_id)
    return Response(status_code=204)


async def _origin_request(request: Request) -> OriginRequest:
    origin_request = parse_origin_request(await json_object(request))
    refuse_self_reference(origin_request, server_context(request).settings)
    return origin_request


async def _forget_copies(request: Request, account_id: str, origin_id: str) -> None:
    """Copies fetched under the origin's old settings may not be what it serves now."""
    await to_thread.run_sync(
        partial(forget_copies_of, server_context(request), account_id, origin_id=origin_id)
    )
