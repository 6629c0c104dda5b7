"""``POST /v1/folder`` and ``DELETE /v1/folder`` (docs/reference/api.md §4.15, §4.16)."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import (
    folder_name,
    folder_parameter,
    json_object,
    required_string,
)
from imagekit_server.errors import BadRequest
from imagekit_server.files.naming import join_path, normalise_folder
from imagekit_server.library import folders

router = APIRouter(prefix="/v1/folder", tags=["folders"])


@router.post("", status_code=201, summary="Create a folder")
async def create_folder(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    body = await json_object(request)
    name = folder_name(required_string(body, "folderName"))
    if not name:
        raise BadRequest("folderName must not be empty.", reason="MISSING_PARAMETER")
    # Required, as ImageKit's API description says: "/" names the root.
    parent = folder_parameter(body, "parentFolderPath")
    context = server_context(request)
    # Normalised once more: the new level must fit the nesting and length limits too.
    path = normalise_folder(join_path(parent, name), parameter="folderName")
    await to_thread.run_sync(folders.create_folder, context, account.id, path)
    return JSONResponse({}, status_code=201)


@router.delete("", status_code=204, summary="Delete a folder and everything in it")
async def delete_folder(request: Request, account: Account = Depends(current_account)) -> Response:
    folder = folder_parameter(await json_object(request), "folderPath")
    if folder == "/":
        raise BadRequest("The root folder cannot be deleted.", reason="INVALID_FOLDER_PATH")
    context = server_context(request)
    await to_thread.run_sync(folders.delete_folder, context, account.id, folder)
    return Response(status_code=204)
