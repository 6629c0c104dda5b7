"""``GET /v1/files/{id}/metadata`` and ``GET /v1/metadata?url=`` (also
``/v1/files/metadata``), docs/reference/api.md §4.20."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import checked_file_id
from imagekit_server.errors import BadRequest
from imagekit_server.library.file_metadata import stored_file_metadata, url_metadata

router = APIRouter(tags=["metadata"])


@router.get("/v1/files/{file_id}/metadata", summary="Image metadata of a stored file")
async def file_metadata(
    file_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    checked_file_id(file_id)
    context = server_context(request)
    return JSONResponse(
        await to_thread.run_sync(stored_file_metadata, context, account.id, file_id)
    )


@router.get("/v1/metadata", summary="Image metadata of a URL")
@router.get("/v1/files/metadata", include_in_schema=False)
async def remote_metadata(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    url = request.query_params.get("url")
    if not url:
        raise BadRequest("The url parameter is required.")
    if not url.startswith(("http://", "https://")):
        raise BadRequest("The url parameter must be an http or https URL.")
    context = server_context(request)
    return JSONResponse(await to_thread.run_sync(url_metadata, context, account.id, url))
