"""Search with the searchQuery language plus simple filters, through ``GET /v1/files``.

The query is compiled here first (the server's own compiler) so that an invalid one is shown
with a caret under the position the compiler names; the API answers the valid ones.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from imagekit_server.console.internal_api import InternalApi
from imagekit_server.console.links import thumbnail_url
from imagekit_server.console.pages import api_for, console_view, render
from imagekit_server.console.session import Session
from imagekit_server.search import SearchQueryError, compile_search

PAGE_SIZE = 50
SORTS = ("DESC_CREATED", "ASC_CREATED", "ASC_NAME", "DESC_NAME", "DESC_SIZE", "ASC_SIZE")


def combined_query(text: str, filters: dict[str, str]) -> str:
    """The user's query AND-ed with the simple filters (each a searchQuery condition)."""
    parts = [f"({text.strip()})"] if text.strip() else []
    if filters.get("format"):
        parts.append(f"format = {json.dumps(filters['format'].lower())}")
    if filters.get("tag"):
        parts.append(f"tags IN [{json.dumps(filters['tag'])}]")
    if filters.get("private") in ("true", "false"):
        parts.append(f"private = {filters['private']}")
    if filters.get("folder"):
        parts.append(f"path : {json.dumps(filters['folder'])}")
    return " AND ".join(parts)


async def field_types(api: InternalApi) -> dict[str, str]:
    result = await api.get("/v1/customMetadataFields")
    if not result.ok or not isinstance(result.body, list):
        return {}
    return {str(item["name"]): str(item["schema"]["type"]) for item in result.body}


def query_error(query: str, types: dict[str, str], account_id: str) -> SearchQueryError | None:
    try:
        compile_search(
            query, account_id=account_id, field_types=types, now=datetime.now(timezone.utc)
        )
    except SearchQueryError as error:
        return error
    return None


@console_view()
async def search(request: Request, session: Session) -> Response:
    params = request.query_params
    text = params.get("q", "")
    filters = {name: params.get(name, "") for name in ("format", "tag", "private", "folder")}
    sort = params.get("sort", "DESC_CREATED")
    sort = sort if sort in SORTS else "DESC_CREATED"
    try:
        skip = max(int(params.get("skip", "0")), 0)
    except ValueError:
        skip = 0
    query = combined_query(text, filters)
    values: dict[str, Any] = {
        "text": text,
        "filters": filters,
        "sort": sort,
        "sorts": SORTS,
        "skip": skip,
        "page_size": PAGE_SIZE,
        "results": None,
        "error": None,
        "api_error": None,
        "thumb": lambda item: thumbnail_url(
            session.account,
            str(item.get("filePath", "")),
            private=bool(item.get("isPrivateFile")),
            published=item.get("isPublished", True) is not False,
        ),
    }
    if query:
        api = api_for(request, session)
        # The caret points into what the user typed: check their text alone first.
        error = (
            query_error(text, await field_types(api), session.account.id) if text.strip() else None
        )
        if error is not None:
            values["error"] = error
        else:
            result = await api.get(
                "/v1/files", searchQuery=query, sort=sort, skip=str(skip), limit=str(PAGE_SIZE)
            )
            if result.ok:
                values["results"] = result.body
            else:
                values["api_error"] = result.message
    fragment = request.headers.get("hx-request") and not request.headers.get(
        "hx-history-restore-request"
    )
    template = "search_results.html" if fragment else "search.html"
    return render(request, template, session, **values)
