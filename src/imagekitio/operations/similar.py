"""Our extension (not ImageKit's API): images similar to a file by pHash distance, from
``GET /v1/x/files/{fileId}/similar`` on imagekit-server (docs/console.md, "Near-duplicates")."""

from __future__ import annotations

from typing import Any

from ..constants.errors import ERRORS
from ..decoding import GENERAL_OR_NOT_FOUND, as_list, expect
from ..models.results.FileResult import FileResult
from ..models.results.ListFileResult import ListFileResult
from ..request_context import RequestContext, path_segment
from ..wire import Operation
from .building import api_request


def find_similar_files(
    ctx: RequestContext, file_id: Any, max_distance: int | None, limit: int | None
) -> Operation[ListFileResult]:
    """Each item is a ``FileResult`` with an extra ``distance`` (Hamming, 0 to 64)."""
    if not file_id:
        raise TypeError(ERRORS.FILE_ID_MISSING.value)
    params: list[tuple[str, str]] = []
    if max_distance is not None:
        params.append(("maxDistance", str(int(max_distance))))
    if limit is not None:
        params.append(("limit", str(int(limit))))
    request = api_request(
        ctx, "GET", f"/v1/x/files/{path_segment(file_id)}/similar", params=tuple(params)
    )
    decode = expect(200, as_list(FileResult, ListFileResult), GENERAL_OR_NOT_FOUND)
    return Operation(request, decode)
