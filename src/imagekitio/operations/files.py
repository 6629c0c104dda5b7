"""File operations: list, details, versions, update, tags, delete, copy, move, rename."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..constants.errors import ERRORS
from ..constants.files import VALID_FILE_OPTIONS
from ..constants.url import URL
from ..decoding import (
    GENERAL_ERRORS,
    GENERAL_OR_NOT_FOUND,
    GENERAL_OR_PARTIAL,
    RENAME_ERRORS,
    as_list,
    as_metadata_only,
    as_object,
    expect,
)
from ..models.results.BulkDeleteFileResult import BulkDeleteFileResult
from ..models.results.FileResult import FileResult
from ..models.results.FileResultWithResponseMetadata import FileResultWithResponseMetadata
from ..models.results.ListFileResult import ListFileResult
from ..models.results.RenameFileResult import RenameFileResult
from ..models.results.ResponseMetadataResult import ResponseMetadataResult
from ..models.results.TagsResult import TagsResult
from ..request_context import RequestContext, path_segment
from ..wire import Operation
from .building import api_request, camel_options, option_fields, options_body


def _require_file_id(file_id: Any) -> str:
    if not file_id:
        raise TypeError(ERRORS.FILE_ID_MISSING.value)
    return path_segment(file_id)


def _require_version_id(version_id: Any) -> str:
    if not version_id:
        raise TypeError(ERRORS.VERSION_ID_MISSING.value)
    return path_segment(version_id)


def _query_value(value: Any) -> str:
    # 4.x let requests stringify values, so booleans travel as "True"/"False".
    return str(value)


def list_query(options: Any) -> tuple[tuple[str, str], ...]:
    """Query pairs for ``list_files`` in option order; a list of tags is joined with ", "."""
    fields = option_fields(options)
    if isinstance(fields.get("tags"), (list, tuple)):
        # An empty list sends nothing, as requests did with 4.x.
        fields["tags"] = ", ".join(str(tag) for tag in fields["tags"]) or None
    query = camel_options(fields)
    if any(key not in VALID_FILE_OPTIONS for key in query):
        raise ValueError("Invalid option for list_files")
    return tuple((key, _query_value(value)) for key, value in query.items() if value is not None)


def list_files(ctx: RequestContext, options: Any = None) -> Operation[ListFileResult]:
    request = api_request(ctx, "GET", "/v1/files", params=list_query(options))
    return Operation(request, expect(200, as_list(FileResult, ListFileResult), GENERAL_ERRORS))


def get_file_details(
    ctx: RequestContext, file_id: Any
) -> Operation[FileResultWithResponseMetadata]:
    request = api_request(ctx, "GET", f"/v1/files/{_require_file_id(file_id)}/details")
    return Operation(
        request, expect(200, as_object(FileResultWithResponseMetadata), GENERAL_ERRORS)
    )


def get_file_versions(ctx: RequestContext, file_id: Any) -> Operation[ListFileResult]:
    request = api_request(ctx, "GET", f"/v1/files/{_require_file_id(file_id)}/versions")
    return Operation(
        request, expect(200, as_list(FileResult, ListFileResult), GENERAL_OR_NOT_FOUND)
    )


def get_file_version_details(
    ctx: RequestContext, file_id: Any, version_id: Any
) -> Operation[FileResultWithResponseMetadata]:
    path = f"/v1/files/{_require_file_id(file_id)}/versions/{_require_version_id(version_id)}"
    return Operation(
        api_request(ctx, "GET", path),
        expect(200, as_object(FileResultWithResponseMetadata), GENERAL_OR_NOT_FOUND),
    )


def update_body(options: Any) -> dict[str, Any]:
    """4.x order: ``removeAITags`` first (renamed from ``removeAiTags``), then the rest."""
    if options is None:
        raise ValueError(ERRORS.UPDATE_DATA_MISSING.value)
    fields = camel_options(options)
    if "removeAiTags" in fields:
        return {"removeAITags": fields.pop("removeAiTags"), **fields}
    return fields


def update_file_details(
    ctx: RequestContext, file_id: Any, options: Any
) -> Operation[FileResultWithResponseMetadata]:
    path = f"/v1/files/{_require_file_id(file_id)}/details/"
    request = api_request(ctx, "PATCH", path, json=update_body(options))
    return Operation(
        request, expect(200, as_object(FileResultWithResponseMetadata), GENERAL_ERRORS)
    )


def manage_tags(
    ctx: RequestContext, file_ids: Any, tags: Any, action: str
) -> Operation[TagsResult]:
    """``action`` is ``addTags`` or ``removeTags``; both are set operations, safe to repeat."""
    if action not in ("addTags", "removeTags"):
        raise ValueError(f"unknown tag action {action!r}")
    request = api_request(
        ctx,
        "POST",
        f"/v1/files/{action}",
        json={"fileIds": file_ids, "tags": tags},
        retry_safe=True,
    )
    return Operation(request, expect(200, as_object(TagsResult), GENERAL_OR_PARTIAL))


def remove_ai_tags(ctx: RequestContext, file_ids: Any, ai_tags: Any) -> Operation[TagsResult]:
    request = api_request(
        ctx,
        "POST",
        "/v1/files/removeAITags",
        json={"fileIds": file_ids, "AITags": ai_tags},
        retry_safe=True,
    )
    return Operation(request, expect(200, as_object(TagsResult), GENERAL_OR_PARTIAL))


def delete_file(ctx: RequestContext, file_id: Any) -> Operation[ResponseMetadataResult]:
    request = api_request(ctx, "DELETE", f"/v1/files/{_require_file_id(file_id)}")
    return Operation(request, expect(204, as_metadata_only, GENERAL_ERRORS))


def delete_file_version(
    ctx: RequestContext, file_id: Any, version_id: Any
) -> Operation[ResponseMetadataResult]:
    path = f"/v1/files/{_require_file_id(file_id)}/versions/{_require_version_id(version_id)}"
    # 4.x sends a JSON content type without a body here.
    request = api_request(ctx, "DELETE", path)
    request = replace(request, headers={**request.headers, "Content-Type": "application/json"})
    return Operation(request, expect(204, as_metadata_only, GENERAL_OR_NOT_FOUND))


def bulk_delete(ctx: RequestContext, file_ids: Any) -> Operation[BulkDeleteFileResult]:
    if not file_ids:
        raise ValueError("Need to pass ids in list")
    path = "/v1/files" + URL.BULK_FILE_DELETE
    request = api_request(ctx, "POST", path, json={"fileIds": list(file_ids)})
    return Operation(request, expect(200, as_object(BulkDeleteFileResult), GENERAL_OR_PARTIAL))


def copy_file(ctx: RequestContext, options: Any = None) -> Operation[ResponseMetadataResult]:
    request = options_body(ctx, "POST", "/v1/files/copy", options)
    return Operation(request, expect(204, as_metadata_only, GENERAL_OR_NOT_FOUND))


def move_file(ctx: RequestContext, options: Any = None) -> Operation[ResponseMetadataResult]:
    request = options_body(ctx, "POST", "/v1/files/move", options)
    return Operation(request, expect(204, as_metadata_only, GENERAL_OR_NOT_FOUND))


def rename_file(ctx: RequestContext, options: Any = None) -> Operation[RenameFileResult]:
    # A repeated rename fails (the old path is gone), so it is not retried although it is a PUT.
    request = replace(options_body(ctx, "PUT", "/v1/files/rename", options), retry_safe=False)
    return Operation(request, expect(200, as_object(RenameFileResult), RENAME_ERRORS))


def restore_file_version(
    ctx: RequestContext, file_id: Any, version_id: Any
) -> Operation[FileResultWithResponseMetadata]:
    path = (
        f"/v1/files/{_require_file_id(file_id)}/versions/{_require_version_id(version_id)}/restore"
    )
    return Operation(
        api_request(ctx, "PUT", path),
        expect(200, as_object(FileResultWithResponseMetadata), GENERAL_OR_NOT_FOUND),
    )
