"""``GET /v1/files?searchQuery=``: run a compiled search (``imagekit_server.search``) and
page through its matches. Folders come first, then files, then old file versions (each kind
in ``sort`` order), as in the plain listing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.custom_metadata.values import field_types, load_schemas
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import file_versions, files, folders
from imagekit_server.errors import BadRequest
from imagekit_server.files.listing import parse_list_query
from imagekit_server.files.objects import file_object, folder_object, version_object
from imagekit_server.search import SearchQueryError, compile_search, sort_columns


def search_files(
    context: ServerContext, account_id: str, params: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The page of matches of ``params["searchQuery"]``; 400 for an invalid query or sort."""
    paging = parse_list_query({key: params[key] for key in ("limit", "skip") if key in params})
    endpoint = context.settings.url_endpoint(account_id)
    with read_transaction(context.engine) as conn:
        types = field_types(load_schemas(conn, account_id))
        try:
            plan = compile_search(
                params["searchQuery"],
                account_id=account_id,
                field_types=types,
                now=datetime.now(timezone.utc),
            )
            kinds = [
                (folders, plan.folder_clause),
                (files, plan.file_clause),
                (file_versions, plan.version_clause),
            ]
            wanted = paging.skip + paging.limit
            items: list[dict[str, Any]] = []
            for table, clause in kinds:
                if clause is None or len(items) >= wanted:
                    continue
                order = sort_columns(params.get("sort"), table)
                query = sa.select(table).where(clause).order_by(*order).limit(wanted - len(items))
                items += [_object(table, row, endpoint) for row in conn.execute(query)]
        except SearchQueryError as exc:
            raise BadRequest(f"Invalid searchQuery: {exc.message}") from exc
    return items[paging.skip : wanted]


def _object(table: sa.Table, row: Any, endpoint: str) -> dict[str, Any]:
    if table is folders:
        return folder_object(row)
    if table is files:
        return file_object(row, endpoint)
    return version_object(row, endpoint)
