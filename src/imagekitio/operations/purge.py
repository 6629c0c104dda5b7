"""CDN cache purge and purge status."""

from __future__ import annotations

from typing import Any

from ..constants.errors import ERRORS
from ..decoding import GENERAL_ERRORS, as_object, expect
from ..models.results.PurgeCacheResult import PurgeCacheResult
from ..models.results.PurgeCacheStatusResult import PurgeCacheStatusResult
from ..request_context import RequestContext, path_segment
from ..wire import Operation
from .building import api_request


def purge_cache(ctx: RequestContext, file_url: Any) -> Operation[PurgeCacheResult]:
    if not file_url:
        raise TypeError(ERRORS.MISSING_FILE_URL.value)
    request = api_request(ctx, "POST", "/v1/files/purge", json={"url": file_url})
    return Operation(request, expect(201, as_object(PurgeCacheResult), GENERAL_ERRORS))


def get_purge_cache_status(
    ctx: RequestContext, purge_cache_id: Any
) -> Operation[PurgeCacheStatusResult]:
    # 4.x stringified None into "None" and sent it; a missing id is an error here.
    if purge_cache_id is None or not str(purge_cache_id):
        raise TypeError(ERRORS.CACHE_PURGE_STATUS_ID_MISSING.value)
    request = api_request(ctx, "GET", f"/v1/files/purge/{path_segment(purge_cache_id)}")
    return Operation(request, expect(200, as_object(PurgeCacheStatusResult), GENERAL_ERRORS))
