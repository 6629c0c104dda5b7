"""``/v1/files``: list, details, delete, bulk delete (docs/reference/api.md §4.2, §4.3, §4.9,
§4.10)."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_value
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import library_transaction, read_transaction
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.files import records
from imagekit_server.files.listing import (
    ListQuery,
    parse_list_query,
    select_files,
    select_folders,
    select_old_versions,
)
from imagekit_server.files.objects import file_object, folder_object, version_object
from imagekit_server.ids import is_valid_id
from imagekit_server.library.search_listing import search_files
from imagekit_server.renditions.variant_purge import purge_file_variants
from imagekit_server.runtime import blobs
from imagekit_server.webhooks import events as webhook_events

router = APIRouter(prefix="/v1/files", tags=["files"])
MAX_BULK_DELETE = 100


def _checked_id(file_id: str) -> str:
    if not is_valid_id(file_id):
        raise BadRequest("Your request contains invalid fileId parameter.")
    return file_id


def _file_not_found() -> NotFound:
    return NotFound("The requested file does not exist.")


@router.get("", summary="List and search files")
async def list_files(request: Request, account: Account = Depends(current_account)) -> JSONResponse:
    params = dict(request.query_params)
    context = server_context(request)
    if params.get("searchQuery"):
        found = await to_thread.run_sync(search_files, context, account.id, params)
        return JSONResponse(found)
    query = parse_list_query(params)
    items = await to_thread.run_sync(_list, context, account, query)
    return JSONResponse(items)


def _list(context: ServerContext, account: Account, query: ListQuery) -> list[dict[str, Any]]:
    endpoint = context.settings.url_endpoint(account.id)
    with read_transaction(context.engine) as conn:
        if query.type == "file-version":
            rows = conn.execute(
                select_old_versions(account.id, query, offset=query.skip, limit=query.limit)
            ).all()
            return [version_object(row, endpoint) for row in rows]
        items: list[dict[str, Any]] = []
        skip, limit = query.skip, query.limit
        if query.type in ("folder", "all") or query.include_folder:
            folder_rows = conn.execute(select_folders(account.id, query)).all()
            items = [folder_object(row) for row in folder_rows[skip : skip + limit]]
            skip = max(0, skip - len(folder_rows))
            limit -= len(items)
        if query.type != "folder" and limit > 0:
            rows = conn.execute(select_files(account.id, query, offset=skip, limit=limit)).all()
            items += [file_object(row, endpoint) for row in rows]
    return items


@router.get("/{file_id}/details", summary="Get file details")
@router.get("/{file_id}/details/", include_in_schema=False)
async def file_details(
    file_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    _checked_id(file_id)
    context = server_context(request)

    def load() -> dict[str, Any]:
        with read_transaction(context.engine) as conn:
            row = records.find_by_id(conn, account.id, file_id)
        if row is None:
            raise _file_not_found()
        return file_object(row, context.settings.url_endpoint(account.id))

    return JSONResponse(await to_thread.run_sync(load))


@router.delete("/{file_id}", status_code=204, summary="Delete a file and all its versions")
async def delete_file(
    file_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    _checked_id(file_id)
    context = server_context(request)
    missing = await to_thread.run_sync(delete_file_ids, context, account, [file_id])
    if missing:
        raise _file_not_found()
    return Response(status_code=204)


def delete_file_ids(context: ServerContext, account: Account, file_ids: list[str]) -> list[str]:
    """Delete the files if all exist (returns []); otherwise delete nothing and return the ids
    that were not found. Blobs go after the commit, guarded by removal intents."""
    with library_transaction(context.engine, account.id) as conn:
        found = {
            row.id for file_id in file_ids if (row := records.find_by_id(conn, account.id, file_id))
        }
        missing = [file_id for file_id in file_ids if file_id not in found]
        if missing:
            return missing
        keys = records.blob_keys_of(conn, file_ids)
        records.delete_files(conn, account.id, file_ids)
        webhook_events.files_deleted(conn, account.id, file_ids)
        keys = records.unreferenced_keys(conn, keys)  # never a blob another version still uses
        blobs.intend_removal(conn, keys, account.id)
    blobs.discard(context.engine, context.store, keys)
    for file_id in file_ids:  # its transformed variants must not outlive the file
        purge_file_variants(context, account.id, file_id)
    return []


@router.post("/batch/deleteByFileIds", summary="Delete several files")
async def bulk_delete(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    file_ids = _file_ids_from(await json_value(request))
    context = server_context(request)
    missing = await to_thread.run_sync(delete_file_ids, context, account, file_ids)
    if missing:
        raise NotFound("The requested file(s) do not exist.", missingFileIds=missing)
    return JSONResponse({"successfullyDeletedFileIds": file_ids})


def _file_ids_from(body: Any) -> list[str]:
    file_ids = body.get("fileIds") if isinstance(body, dict) else None
    if not isinstance(file_ids, list) or not file_ids:
        raise BadRequest("fileIds must be a non-empty array of file ids.")
    if len(file_ids) > MAX_BULK_DELETE:
        raise BadRequest(f"At most {MAX_BULK_DELETE} fileIds can be deleted at once.")
    if not all(isinstance(file_id, str) and is_valid_id(file_id) for file_id in file_ids):
        raise BadRequest("Your request contains invalid fileId parameter.")
    return list(dict.fromkeys(file_ids))
