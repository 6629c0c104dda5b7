"""``/v1/accounts/url-endpoints``: the default endpoint (id ``default``, the media library)
and endpoints with a URL prefix and an ordered list of origins (docs/reference/api.md §5)."""

from __future__ import annotations

from functools import partial

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.origins import records
from imagekit_server.origins.cache import forget_copies_of
from imagekit_server.origins.endpoint_models import DEFAULT_ENDPOINT_ID, parse_endpoint_request

router = APIRouter(prefix="/v1/accounts/url-endpoints", tags=["url-endpoints"])

NOT_FOUND = "The requested URL endpoint does not exist."
DEFAULT_IS_FIXED = "The default URL endpoint serves the media library and cannot be changed."


@router.post("", summary="Create a URL endpoint")
async def create_endpoint(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    endpoint_request = parse_endpoint_request(await json_object(request))
    engine = server_context(request).engine
    endpoint = await to_thread.run_sync(records.save_endpoint, engine, account.id, endpoint_request)
    assert endpoint is not None
    return JSONResponse(endpoint.public_json())


@router.get("", summary="List URL endpoints")
async def list_endpoints(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    found = await to_thread.run_sync(records.list_endpoints, engine, account.id)
    return JSONResponse([endpoint.public_json() for endpoint in found])


@router.get("/{endpoint_id}", summary="Get a URL endpoint")
async def get_endpoint(
    endpoint_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    endpoint = await to_thread.run_sync(records.get_endpoint, engine, account.id, endpoint_id)
    if endpoint is None:
        raise NotFound(NOT_FOUND)
    return JSONResponse(endpoint.public_json())


@router.put("/{endpoint_id}", summary="Replace a URL endpoint")
async def replace_endpoint(
    endpoint_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    if endpoint_id == DEFAULT_ENDPOINT_ID:
        raise BadRequest(DEFAULT_IS_FIXED, reason="DEFAULT_ENDPOINT")
    endpoint_request = parse_endpoint_request(await json_object(request))
    engine = server_context(request).engine
    endpoint = await to_thread.run_sync(
        records.save_endpoint, engine, account.id, endpoint_request, endpoint_id
    )
    if endpoint is None:
        raise NotFound(NOT_FOUND)
    await _forget_copies(request, account.id, endpoint_id)
    return JSONResponse(endpoint.public_json())


@router.delete("/{endpoint_id}", status_code=204, summary="Delete a URL endpoint")
async def delete_endpoint(
    endpoint_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    if endpoint_id == DEFAULT_ENDPOINT_ID:
        raise BadRequest(DEFAULT_IS_FIXED, reason="DEFAULT_ENDPOINT")
    engine = server_context(request).engine
    if not await to_thread.run_sync(records.delete_endpoint, engine, account.id, endpoint_id):
        raise NotFound(NOT_FOUND)
    await _forget_copies(request, account.id, endpoint_id)
    return Response(status_code=204)


async def _forget_copies(request: Request, account_id: str, endpoint_id: str) -> None:
    """Originals cached through the endpoint may come from origins it no longer lists."""
    await to_thread.run_sync(
        partial(forget_copies_of, server_context(request), account_id, endpoint_id=endpoint_id)
    )
