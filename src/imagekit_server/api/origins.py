"""``/v1/accounts/origins``: create, list, read, replace and delete origins (docs/reference/api.md
§5).

Secrets (access keys) are accepted and kept, never returned. Replacing or deleting an origin
forgets the copies fetched from it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from imagekit_server.api.dependencies import server_context
from imagekit_server.api.record_routes import RecordNames, RecordStore, add_record_routes
from imagekit_server.context import ServerContext
from imagekit_server.origins import records
from imagekit_server.origins.cache import forget_copies_of
from imagekit_server.origins.models import OriginRequest, parse_origin_request
from imagekit_server.origins.self_reference import refuse_self_reference

router = APIRouter(prefix="/v1/accounts/origins", tags=["origins"])

NOT_FOUND = "The requested origin does not exist."


def _origin_request(body: dict[str, Any], request: Request) -> OriginRequest:
    origin_request = parse_origin_request(body)
    refuse_self_reference(origin_request, server_context(request).settings)
    return origin_request


def _forget_copies(context: ServerContext, account_id: str, origin_id: str) -> None:
    """Copies fetched under the origin's old settings may not be what it serves now."""
    forget_copies_of(context, account_id, origin_id=origin_id)


add_record_routes(
    router,
    RecordStore(
        parse=_origin_request,
        create=records.create_origin,
        list=records.list_origins,
        get=records.get_origin,
        replace=records.replace_origin,
        delete=records.delete_origin,
        forget=_forget_copies,
    ),
    RecordNames(
        a="an origin",
        plural="origins",
        one="origin",
        many="origins",
        id_parameter="origin_id",
        not_found=NOT_FOUND,
    ),
)
