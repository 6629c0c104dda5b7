"""``POST /v1/files/addTags``, ``removeTags``, ``removeAITags`` (docs/reference/api.md §4.11,
§4.12)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import file_id_list, json_object, string_list
from imagekit_server.db.engine import file_transaction
from imagekit_server.errors import NotFound
from imagekit_server.files.records import Attributes
from imagekit_server.library.bulk_tags import AttributesChange, change_files
from imagekit_server.library.tag_rules import (
    checked_tags,
    merged_tags,
    without_ai_tags,
    without_tags,
)
from imagekit_server.webhooks import events as webhook_events

router = APIRouter(prefix="/v1/files", tags=["tags"])
MAX_FILES = 50


def _change_for(action: str, body: dict[str, Any]) -> AttributesChange:
    if action == "add":
        added = checked_tags(string_list(body, "tags"))

        def add(attributes: Attributes) -> Attributes:
            return replace(attributes, tags=merged_tags(attributes.tags, added))

        return add
    if action == "remove":
        removed = string_list(body, "tags")

        def remove(attributes: Attributes) -> Attributes:
            return replace(attributes, tags=without_tags(attributes.tags, removed))

        return remove
    names = string_list(body, "AITags")

    def remove_ai(attributes: Attributes) -> Attributes:
        return replace(attributes, ai_tags=without_ai_tags(attributes.ai_tags, names))

    return remove_ai


async def _run(request: Request, account: Account, action: str) -> JSONResponse:
    body = await json_object(request)
    file_ids = file_id_list(body, max_items=MAX_FILES)
    change = _change_for(action, body)
    context = server_context(request)

    def apply() -> list[str]:
        with file_transaction(context.engine, account.id) as conn:
            missing = change_files(conn, account.id, file_ids, change)
            webhook_events.files_changed(conn, context.settings, account.id, file_ids, missing)
            return missing

    missing = await to_thread.run_sync(apply)
    if missing:
        raise NotFound("The requested file(s) do not exist.", missingFileIds=missing)
    return JSONResponse({"successfullyUpdatedFileIds": file_ids})


@router.post("/addTags", summary="Add tags to several files")
async def add_tags(request: Request, account: Account = Depends(current_account)) -> JSONResponse:
    return await _run(request, account, "add")


@router.post("/removeTags", summary="Remove tags from several files")
async def remove_tags(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    return await _run(request, account, "remove")


@router.post("/removeAITags", summary="Remove AI tags from several files")
async def remove_ai_tags(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    return await _run(request, account, "ai")
