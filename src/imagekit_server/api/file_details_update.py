"""``PATCH /v1/files/{id}/details`` (and with the 4.x SDK's trailing slash), api.md §4.4."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import checked_file_id, json_object
from imagekit_server.db.engine import write_transaction
from imagekit_server.files.objects import file_object
from imagekit_server.library.details_update import apply_update, parse_update
from imagekit_server.webhooks import events as webhook_events

router = APIRouter(prefix="/v1/files", tags=["files"])


@router.patch("/{file_id}/details", summary="Update file details")
@router.patch("/{file_id}/details/", include_in_schema=False)
async def update_file_details(
    file_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    checked_file_id(file_id)
    update = parse_update(await json_object(request))
    context = server_context(request)

    def apply() -> dict[str, Any]:
        with write_transaction(context.engine) as conn:
            row = apply_update(conn, account.id, file_id, update)
            webhook_events.file_changed(conn, context.settings, account.id, [row])
        return file_object(row, context.settings.url_endpoint(account.id))

    return JSONResponse(await to_thread.run_sync(apply))
