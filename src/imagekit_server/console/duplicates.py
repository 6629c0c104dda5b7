""" "Similar images" of a file (through ``/v1/x/files/{id}/similar``) and the near-duplicates
report of a folder, from the banded pHash index (imagekit_server/similarity)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from imagekit_server.api.similar_files import DEFAULT_DISTANCE, refresh
from imagekit_server.console.library_page import normalise_folder
from imagekit_server.console.links import thumbnail_url
from imagekit_server.console.pages import api_for, console_view, context_of, render
from imagekit_server.console.session import Session
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import files
from imagekit_server.similarity import MAX_DISTANCE, duplicate_groups

MAX_GROUPS_SHOWN = 200


def _distance(request: Request) -> int:
    try:
        value = int(request.query_params.get("maxDistance", DEFAULT_DISTANCE))
    except ValueError:
        return DEFAULT_DISTANCE
    return min(max(value, 0), MAX_DISTANCE)


@console_view()
async def similar(request: Request, session: Session) -> Response:
    file_id = request.path_params["file_id"]
    distance = _distance(request)
    api = api_for(request, session)
    details = await api.get(f"/v1/files/{file_id}/details")
    if not details.ok:
        return render(request, "not_found.html", session, 404, message=details.message)
    result = await api.get(f"/v1/x/files/{file_id}/similar", maxDistance=str(distance))
    return render(
        request,
        "similar.html",
        session,
        item=details.body,
        distance=distance,
        max_distance=MAX_DISTANCE,
        matches=result.body if result.ok else [],
        error=None if result.ok else result.message,
        thumb=_thumb(session),
    )


def _thumb(session: Session) -> Any:
    return lambda item: thumbnail_url(
        session.account,
        str(item["filePath"]),
        private=bool(item.get("isPrivateFile")),
        published=item.get("isPublished", True) is not False,
    )


def _report(
    context: Any, account_id: str, folder: str, distance: int
) -> list[list[dict[str, Any]]]:
    refresh(context, account_id)
    groups = duplicate_groups(context.engine, account_id, folder, distance)[:MAX_GROUPS_SHOWN]
    wanted = [file_id for group in groups for file_id in group.file_ids]
    rows: dict[str, Any] = {}
    with read_transaction(context.engine) as conn:
        for start in range(0, len(wanted), 500):
            query = sa.select(
                files.c.id,
                files.c.file_path,
                files.c.size,
                files.c.is_private,
                files.c.is_published,
            ).where(files.c.account_id == account_id, files.c.id.in_(wanted[start : start + 500]))
            rows.update({row.id: row for row in conn.execute(query)})
    return [
        [
            {
                "fileId": file_id,
                "filePath": rows[file_id].file_path,
                "size": rows[file_id].size,
                "isPrivateFile": rows[file_id].is_private,
                "isPublished": rows[file_id].is_published,
            }
            for file_id in group.file_ids
            if file_id in rows
        ]
        for group in groups
    ]


@console_view()
async def report(request: Request, session: Session) -> Response:
    folder = normalise_folder(request.query_params.get("path"))
    distance = _distance(request)
    groups = None
    if "path" in request.query_params:
        context = context_of(request)
        groups = await to_thread.run_sync(_report, context, session.account.id, folder, distance)
    return render(
        request,
        "duplicates.html",
        session,
        folder=folder,
        distance=distance,
        max_distance=MAX_DISTANCE,
        groups=groups,
        thumb=_thumb(session),
    )
