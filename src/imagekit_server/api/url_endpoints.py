"""``/v1/accounts/url-endpoints``: the default endpoint (id ``default``, the media library)
and endpoints with a URL prefix and an ordered list of origins (docs/reference/api.md §5)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request

from imagekit_server.api.record_routes import RecordNames, RecordStore, add_record_routes
from imagekit_server.context import ServerContext
from imagekit_server.errors import BadRequest
from imagekit_server.origins import records
from imagekit_server.origins.cache import forget_copies_of
from imagekit_server.origins.endpoint_models import (
    DEFAULT_ENDPOINT_ID,
    EndpointRequest,
    UrlEndpoint,
    parse_endpoint_request,
)

router = APIRouter(prefix="/v1/accounts/url-endpoints", tags=["url-endpoints"])

NOT_FOUND = "The requested URL endpoint does not exist."
DEFAULT_IS_FIXED = "The default URL endpoint serves the media library and cannot be changed."


def _parse(body: dict[str, Any], _request: Request) -> EndpointRequest:
    return parse_endpoint_request(body)


def _create(engine: sa.Engine, account_id: str, request: EndpointRequest) -> UrlEndpoint:
    endpoint = records.save_endpoint(engine, account_id, request)
    assert endpoint is not None
    return endpoint


def _replace(
    engine: sa.Engine, account_id: str, endpoint_id: str, request: EndpointRequest
) -> UrlEndpoint | None:
    return records.save_endpoint(engine, account_id, request, endpoint_id)


def _refuse_default(endpoint_id: str) -> None:
    if endpoint_id == DEFAULT_ENDPOINT_ID:
        raise BadRequest(DEFAULT_IS_FIXED, reason="DEFAULT_ENDPOINT")


def _forget_copies(context: ServerContext, account_id: str, endpoint_id: str) -> None:
    """Originals cached through the endpoint may come from origins it no longer lists."""
    forget_copies_of(context, account_id, endpoint_id=endpoint_id)


add_record_routes(
    router,
    RecordStore(
        parse=_parse,
        create=_create,
        list=records.list_endpoints,
        get=records.get_endpoint,
        replace=_replace,
        delete=records.delete_endpoint,
        forget=_forget_copies,
    ),
    RecordNames(
        a="a URL endpoint",
        plural="URL endpoints",
        one="endpoint",
        many="endpoints",
        id_parameter="endpoint_id",
        not_found=NOT_FOUND,
    ),
    check_id=_refuse_default,
)
