"""``/v1/accounts/webhooks``: account webhook endpoints and their deliveries
(docs/webhooks.md, "API").

ImageKit configures webhooks in its dashboard and its SDKs have no API for them, so these
routes follow the shape of ``/v1/accounts/origins``. An endpoint's secret is returned when it
is created and by ``GET /v1/accounts/webhooks/{id}``, never in the list.
"""

from __future__ import annotations

from functools import partial

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.api.json_body import json_object
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.webhooks import endpoints, outbox

router = APIRouter(prefix="/v1/accounts/webhooks", tags=["webhooks"])

NOT_FOUND = "The requested webhook endpoint does not exist."
MAX_LIMIT = 1000


@router.post("", status_code=201, summary="Create a webhook endpoint")
async def create_endpoint(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    endpoint_request = endpoints.parse_endpoint_request(await json_object(request))
    engine = server_context(request).engine
    endpoint = await to_thread.run_sync(
        endpoints.create_endpoint, engine, account.id, endpoint_request
    )
    return JSONResponse(endpoint.public_json(with_secret=True), status_code=201)


@router.get("", summary="List webhook endpoints")
async def list_endpoints(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    found = await to_thread.run_sync(endpoints.list_endpoints, engine, account.id)
    return JSONResponse([endpoint.public_json() for endpoint in found])


@router.get("/deliveries", summary="List webhook deliveries, newest first")
async def list_deliveries(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    query = request.query_params
    status = query.get("status")
    if status is not None and status not in outbox.STATUSES:
        raise BadRequest(f"status must be one of {', '.join(outbox.STATUSES)}.")
    limit = _count(query.get("limit"), "limit", 100)
    skip = _count(query.get("skip"), "skip", 0)
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}.")
    engine = server_context(request).engine
    found = await to_thread.run_sync(
        partial(
            outbox.list_deliveries,
            engine,
            account.id,
            status=status,
            event_id=query.get("eventId"),
            limit=limit,
            skip=skip,
        )
    )
    return JSONResponse(found)


@router.post("/deliveries/{delivery_id}/retry", summary="Send a failed delivery again")
async def retry_delivery(
    delivery_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    retried = await to_thread.run_sync(outbox.retry_failed, engine, account.id, delivery_id)
    if retried is None:
        raise NotFound("The requested failed webhook delivery does not exist.")
    return JSONResponse(retried)


@router.get("/secret", summary="The secret that signs deliveries to per-request webhookUrls")
async def request_url_secret(
    request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    secret = await to_thread.run_sync(endpoints.request_url_secret, engine, account.id)
    return JSONResponse({"secret": secret})


@router.get("/{endpoint_id}", summary="Get a webhook endpoint, with its secret")
async def get_endpoint(
    endpoint_id: str, request: Request, account: Account = Depends(current_account)
) -> JSONResponse:
    engine = server_context(request).engine
    endpoint = await to_thread.run_sync(endpoints.get_endpoint, engine, account.id, endpoint_id)
    if endpoint is None:
        raise NotFound(NOT_FOUND)
    return JSONResponse(endpoint.public_json(with_secret=True))


@router.delete("/{endpoint_id}", status_code=204, summary="Delete a webhook endpoint")
async def delete_endpoint(
    endpoint_id: str, request: Request, account: Account = Depends(current_account)
) -> Response:
    engine = server_context(request).engine
    if not await to_thread.run_sync(endpoints.delete_endpoint, engine, account.id, endpoint_id):
        raise NotFound(NOT_FOUND)
    return Response(status_code=204)


def _count(raw: str | None, name: str, default: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit():
        raise BadRequest(f"{name} must be a non-negative integer.")
    return int(raw)
