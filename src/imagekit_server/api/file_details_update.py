"""``PATCH /v1/files/{id}/details`` (and with the 4.x SDK's trailing slash), docs/reference/api.md
§4.4."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import checked_file_id, json_object
from imagekit_server.db.engine import file_transaction
from imagekit_server.extensions.apply import apply_extensions, requested_extensions
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
    body = await json_object(request)
    update = parse_update(body)
    context = server_context(request)
    endpoint = context.settings.url_endpoint(account.id)

    def apply() -> dict[str, Any]:
        # Extensions are validated before anything changes; removeAITags runs before them.
        extensions = requested_extensions(context, account.id, body.get("extensions"))
        with file_transaction(context.engine, account.id) as conn:
            row = apply_update(conn, account.id, file_id, update)
            webhook_events.file_changed(conn, context.settings, account.id, [row])
        if not extensions:
            return file_object(row, endpoint)
        statuses, row = apply_extensions(context, row, extensions, body.get("webhookUrl"))
        return {**file_object(row, endpoint), "extensionStatus": statuses}

    return JSONResponse(await to_thread.run_sync(apply))
