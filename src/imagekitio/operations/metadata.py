"""Image metadata of a stored file or of a remote URL."""

from __future__ import annotations

from typing import Any

from ..constants.errors import ERRORS
from ..decoding import GENERAL_ERRORS, as_object, expect
from ..models.results.GetMetadataResult import GetMetadataResult
from ..request_context import RequestContext, path_segment
from ..wire import Operation
from .building import api_request


def get_metadata(ctx: RequestContext, file_id: Any) -> Operation[GetMetadataResult]:
    # 4.x stringified None into "None" and sent it; a missing id is an error here.
    if file_id is None or not str(file_id):
        raise TypeError(ERRORS.FILE_ID_MISSING.value)
    request = api_request(ctx, "GET", f"/v1/files/{path_segment(file_id)}/metadata")
    return Operation(request, expect(200, as_object(GetMetadataResult), GENERAL_ERRORS))


def get_remote_url_metadata(
    ctx: RequestContext, remote_file_url: Any
) -> Operation[GetMetadataResult]:
    if not remote_file_url:
        raise ValueError("You must provide remote url")
    request = api_request(ctx, "GET", "/v1/metadata", params=(("url", str(remote_file_url)),))
    return Operation(request, expect(200, as_object(GetMetadataResult), GENERAL_ERRORS))
