"""Folder operations and bulk-job status."""

from __future__ import annotations

from typing import Any

from ..decoding import (
    GENERAL_ERRORS,
    GENERAL_OR_NOT_FOUND,
    ONLY_UNKNOWN,
    as_metadata_only,
    as_object,
    expect,
)
from ..models.results.FolderResult import FolderResult
from ..models.results.GetBulkJobStatusResult import GetBulkJobStatusResult
from ..models.results.ResponseMetadataResult import ResponseMetadataResult
from ..request_context import RequestContext, path_segment
from ..wire import Operation
from .building import api_request, options_body


def create_folder(ctx: RequestContext, options: Any = None) -> Operation[ResponseMetadataResult]:
    # 4.x maps every status but 201 to UnknownException here.
    request = options_body(ctx, "POST", "/v1/folder", options)
    return Operation(request, expect(201, as_metadata_only, ONLY_UNKNOWN))


def delete_folder(ctx: RequestContext, options: Any = None) -> Operation[ResponseMetadataResult]:
    request = options_body(ctx, "DELETE", "/v1/folder", options)
    return Operation(request, expect(204, as_metadata_only, GENERAL_OR_NOT_FOUND))


def copy_folder(ctx: RequestContext, options: Any = None) -> Operation[FolderResult]:
    request = options_body(ctx, "POST", "/v1/bulkJobs/copyFolder", options)
    return Operation(request, expect(200, as_object(FolderResult), GENERAL_OR_NOT_FOUND))


def move_folder(ctx: RequestContext, options: Any = None) -> Operation[FolderResult]:
    request = options_body(ctx, "POST", "/v1/bulkJobs/moveFolder", options)
    return Operation(request, expect(200, as_object(FolderResult), GENERAL_OR_NOT_FOUND))


def get_bulk_job_status(ctx: RequestContext, job_id: Any) -> Operation[GetBulkJobStatusResult]:
    request = api_request(ctx, "GET", f"/v1/bulkJobs/{path_segment(job_id)}")
    return Operation(request, expect(200, as_object(GetBulkJobStatusResult), GENERAL_ERRORS))
