"""``POST /v1/files/purge`` and ``GET /v1/files/purge/{requestId}`` (docs/reference/api.md
§4.19)."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object, required_string
from imagekit_server.errors import BadRequest
from imagekit_server.ids import is_valid_id
from imagekit_server.library.purge import purge_url, request_status

router = APIRouter(prefix="/v1/files/purge", tags=["cache"])


@router.post("", status_code=201, summary="Purge the cache of a URL")
async def purge(request: Request, account: Account = Depends(current_account)) -> JSONResponse:
    url = required_string(await json_object(request), "url")
    context = server_context(request)
    request_id = await to_thread.run_sync(purge_url, context, account.id, url)
    return JSONResponse({"requestId": request_id}, status_code=201)


@router.get("/{request_id}", summary="Status of a purge request")
async def purge_status(
    request_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    context = server_context(request)
    status = None
    if is_valid_id(request_id):
        status = await to_thread.run_sync(request_status, context, account.id, request_id)
    if status is None:
        raise BadRequest("No purge request exists with this requestId.")
    return JSONResponse({"status": status})
