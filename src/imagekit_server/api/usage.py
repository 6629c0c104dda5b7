"""``GET /v1/accounts/usage?startDate=&endDate=``: bandwidth delivered in the range (start
included, end excluded) and the storage in use now (docs/reference/api.md §5)."""

from __future__ import annotations

from datetime import date

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from imagekit_server.accounts import Account
from imagekit_server.api.dependencies import current_account, server_context
from imagekit_server.context import ServerContext
from imagekit_server.errors import BadRequest
from imagekit_server.observability.usage import bandwidth_bytes, flush_bandwidth, storage_bytes

router = APIRouter(prefix="/v1/accounts/usage", tags=["usage"])

MAX_RANGE_DAYS = 90


def parse_range(start_text: str | None, end_text: str | None) -> tuple[date, date]:
    if not start_text or not end_text:
        raise BadRequest("startDate and endDate are required in query parameters.")
    try:
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    except ValueError:
        raise BadRequest("startDate and endDate should be in format YYYY-MM-DD.") from None
    if len(start_text) != 10 or len(end_text) != 10:
        raise BadRequest("startDate and endDate should be in format YYYY-MM-DD.")
    if start >= end:
        raise BadRequest("startDate should be before endDate.")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise BadRequest("startDate and endDate should be within 90 days.")
    return start, end


def _report(context: ServerContext, account_id: str, start: date, end: date) -> dict[str, int]:
    flush_bandwidth(context)  # this process's latest counts
    library, cached = storage_bytes(context, account_id)
    return {
        "bandwidthBytes": bandwidth_bytes(context, account_id, start, end),
        "mediaLibraryStorageBytes": library,
        "videoProcessingUnitsCount": 0,
        "extensionUnitsCount": 0,
        "originalCacheStorageBytes": cached,
    }


@router.get("", summary="Account usage between two dates")
async def get_usage(request: Request, account: Account = Depends(current_account)) -> JSONResponse:
    start, end = parse_range(
        request.query_params.get("startDate"), request.query_params.get("endDate")
    )
    context = server_context(request)
    report = await to_thread.run_sync(_report, context, account.id, start, end)
    return JSONResponse(report)
