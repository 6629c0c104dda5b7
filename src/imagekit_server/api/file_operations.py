"""``POST /v1/files/copy``, ``POST /v1/files/move``, ``PUT /v1/files/rename``
(docs/reference/api.md §4.13,
§4.14)."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import (
    file_path_parameter,
    folder_parameter,
    json_object,
    optional_bool,
    required_string,
)
from imagekit_server.context import ServerContext
from imagekit_server.errors import BadRequest
from imagekit_server.files.naming import sanitise_file_name
from imagekit_server.library import file_operations
from imagekit_server.library.file_operations import Transfer
from imagekit_server.library.purge import purge_file_path, record_request

router = APIRouter(prefix="/v1/files", tags=["files"])


def _transfer(body: dict[str, Any], *, include_versions: bool) -> Transfer:
    return Transfer(
        source_path=file_path_parameter(body, "sourceFilePath"),
        destination_folder=folder_parameter(body, "destinationPath"),
        include_versions=include_versions,
    )


@router.post("/copy", status_code=204, summary="Copy a file into a folder")
async def copy_file(request: Request, account: Account = Depends(current_account)) -> Response:
    body = await json_object(request)
    include = optional_bool(body, "includeFileVersions", "includeVersions")
    transfer = _transfer(body, include_versions=include)
    context = server_context(request)
    await to_thread.run_sync(file_operations.copy_file, context, account.id, transfer)
    return Response(status_code=204)


@router.post("/move", status_code=204, summary="Move a file into a folder")
async def move_file(request: Request, account: Account = Depends(current_account)) -> Response:
    transfer = _transfer(await json_object(request), include_versions=True)
    context = server_context(request)
    await to_thread.run_sync(file_operations.move_file, context, account.id, transfer)
    return Response(status_code=204)


@router.put("/rename", summary="Rename a file")
async def rename_file(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    body = await json_object(request)
    file_path = file_path_parameter(body, "filePath")
    raw_name = required_string(body, "newFileName")
    if "/" in raw_name:
        raise BadRequest("newFileName must not contain '/'.", reason="INVALID_PARAMETER")
    try:
        new_name = sanitise_file_name(raw_name)
    except BadRequest as exc:
        raise BadRequest(exc.message, reason="INVALID_PARAMETER") from exc
    purge = optional_bool(body, "purgeCache")
    context = server_context(request)

    def rename() -> dict[str, str]:
        old_path = file_operations.rename_file(context, account.id, file_path, new_name)
        if not purge:
            return {}
        return {"purgeRequestId": _purge_renamed(context, account.id, old_path, new_name)}

    return JSONResponse(await to_thread.run_sync(rename))


def _purge_renamed(context: ServerContext, account_id: str, old_path: str, new_name: str) -> str:
    folder = old_path.rsplit("/", 1)[0]
    purge_file_path(context, account_id, f"{folder}/{new_name}")
    endpoint = context.settings.url_endpoint(account_id)
    return record_request(context, account_id, f"{endpoint}{old_path}*")
