"""``GET /v1/x/files/{fileId}/similar``: our extension, near-duplicate images of a file by the
Hamming distance of their pHashes (docs/console.md, "Near-duplicates")."""

from __future__ import annotations

import contextlib
from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import files
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.files.objects import file_object
from imagekit_server.ids import is_valid_id
from imagekit_server.similarity import MAX_DISTANCE, refresh_index, similar_files

router = APIRouter(prefix="/v1/x/files", tags=["extensions"])
DEFAULT_DISTANCE = 3
MAX_LIMIT = 1000


def _int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"Invalid {name} parameter: {raw!r} is not an integer.") from exc
    if not low <= value <= high:
        raise BadRequest(f"Invalid {name} parameter: {value}; expected {low} to {high}.")
    return value


def refresh(context: ServerContext, account_id: str) -> None:
    # IntegrityError: another process indexed the same files at the same moment.
    with contextlib.suppress(sa.exc.IntegrityError):
        refresh_index(context.engine, account_id)


def similar_objects(
    context: ServerContext, account_id: str, file_id: str, max_distance: int, limit: int
) -> list[dict[str, Any]]:
    """File objects of the matches, each with its ``distance``, nearest first."""
    refresh(context, account_id)
    matches = similar_files(context.engine, account_id, file_id, max_distance, limit)
    if matches is None:
        with read_transaction(context.engine) as conn:
            exists = conn.execute(
                sa.select(files.c.file_type).where(
                    files.c.account_id == account_id, files.c.id == file_id
                )
            ).scalar()
        if exists is None:
            raise NotFound("The requested file does not exist.")
        if exists != "image":
            raise BadRequest("The file is not an image, so it has no pHash to compare.")
        raise BadRequest("The image has no pHash: its metadata was not read when it was stored.")
    distances = {match.file_id: match.distance for match in matches}
    with read_transaction(context.engine) as conn:
        rows = conn.execute(
            sa.select(files).where(files.c.account_id == account_id, files.c.id.in_(distances))
        ).all()
    endpoint = context.settings.url_endpoint(account_id)
    found = [{**file_object(row, endpoint), "distance": distances[row.id]} for row in rows]
    found.sort(key=lambda item: (item["distance"], item["filePath"]))
    return found


@router.get("/{file_id}/similar", summary="Images similar to a file (pHash distance)")
async def similar(
    file_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    if not is_valid_id(file_id):
        raise BadRequest("Your request contains invalid fileId parameter.")
    params = request.query_params
    distance = _int(params.get("maxDistance"), "maxDistance", DEFAULT_DISTANCE, 0, MAX_DISTANCE)
    limit = _int(params.get("limit"), "limit", 100, 1, MAX_LIMIT)
    context = server_context(request)
    found = await to_thread.run_sync(similar_objects, context, account.id, file_id, distance, limit)
    return JSONResponse(found)
