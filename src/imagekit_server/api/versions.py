"""``/v1/files/{id}/versions``: list, details, delete, restore (docs/reference/api.md §4.5-§4.8)."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import checked_file_id
from imagekit_server.db.engine import file_transaction, read_transaction
from imagekit_server.errors import BadRequest
from imagekit_server.files import records
from imagekit_server.files.objects import file_object, version_object
from imagekit_server.ids import is_valid_id
from imagekit_server.library import versions
from imagekit_server.runtime import blobs
from imagekit_server.webhooks import events as webhook_events

router = APIRouter(prefix="/v1/files/{file_id}/versions", tags=["versions"])


def _checked_version_id(version_id: str) -> str:
    if not is_valid_id(version_id):
        raise BadRequest("Your request contains invalid versionId parameter.")
    return version_id


@router.get("", summary="List the versions of a file")
async def list_versions(
    file_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    checked_file_id(file_id)
    context = server_context(request)

    def load() -> list[dict[str, Any]]:
        with read_transaction(context.engine) as conn:
            row = records.find_by_id(conn, account.id, file_id)
            if row is None:
                raise versions.file_not_found()
            rows = versions.version_rows(conn, file_id)
        return versions.list_versions(row, rows, context.settings.url_endpoint(account.id))

    return JSONResponse(await to_thread.run_sync(load))


@router.get("/{version_id}", summary="Get the details of a file version")
async def version_details(
    file_id: str, version_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    checked_file_id(file_id)
    _checked_version_id(version_id)
    context = server_context(request)

    def load() -> dict[str, Any]:
        endpoint = context.settings.url_endpoint(account.id)
        with read_transaction(context.engine) as conn:
            row = records.find_by_id(conn, account.id, file_id)
            if row is None:
                raise versions.file_not_found()
            version = versions.find_version_of(conn, file_id, version_id)
        if version.id == row.current_version_id:
            return file_object(row, endpoint)
        return version_object(version, endpoint)

    return JSONResponse(await to_thread.run_sync(load))


@router.delete("/{version_id}", status_code=204, summary="Delete an old version of a file")
async def delete_version(
    file_id: str, version_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    checked_file_id(file_id)
    _checked_version_id(version_id)
    context = server_context(request)

    def delete() -> None:
        with file_transaction(context.engine, account.id) as conn:
            unused = versions.delete_version(conn, account.id, file_id, version_id)
            webhook_events.version_deleted(conn, account.id, file_id, version_id)
        blobs.discard(context.engine, context.store, unused)

    await to_thread.run_sync(delete)
    return Response(status_code=204)


@router.put("/{version_id}/restore", summary="Make an old version current again")
async def restore_version(
    file_id: str, version_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    checked_file_id(file_id)
    _checked_version_id(version_id)
    context = server_context(request)

    def restore() -> dict[str, Any]:
        with file_transaction(context.engine, account.id) as conn:
            row = versions.restore_version(conn, account.id, file_id, version_id)
            webhook_events.file_changed(conn, context.settings, account.id, [row])
        return file_object(row, context.settings.url_endpoint(account.id))

    return JSONResponse(await to_thread.run_sync(restore))
