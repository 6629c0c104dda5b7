"""Custom metadata field definitions (4.x maps most failures to UnknownException here)."""

from __future__ import annotations

from typing import Any

from ..constants.errors import ERRORS
from ..decoding import (
    BAD_REQUEST_OR_NOT_FOUND,
    ONLY_BAD_REQUEST,
    ONLY_NOT_FOUND,
    ONLY_UNKNOWN,
    as_list,
    as_metadata_only,
    as_object,
    expect,
)
from ..models.results.CustomMetadataFieldsResult import CustomMetadataFieldsResult
from ..models.results.CustomMetadataFieldsResultWithResponseMetadata import (
    CustomMetadataFieldsResultWithResponseMetadata,
)
from ..models.results.ListCustomMetadataFieldsResult import ListCustomMetadataFieldsResult
from ..models.results.ResponseMetadataResult import ResponseMetadataResult
from ..request_context import RequestContext, path_segment
from ..utils.formatter import request_formatter
from ..wire import Operation
from .building import api_request, option_fields

FieldResult = CustomMetadataFieldsResultWithResponseMetadata


def field_body(options: Any) -> dict[str, Any]:
    """``{"name", "label", "schema": {camelCase keys}}`` with the fields the options carry."""
    fields = option_fields(options)
    schema = fields.get("schema")
    if schema is not None:
        fields["schema"] = request_formatter(option_fields(schema))
    return request_formatter(fields)


def create_custom_metadata_fields(
    ctx: RequestContext, options: Any = None
) -> Operation[FieldResult]:
    path = "/v1/customMetadataFields"
    if options is None:
        request = api_request(ctx, "POST", path, empty_json=True)
    else:
        request = api_request(ctx, "POST", path, json=field_body(options))
    return Operation(request, expect(201, as_object(FieldResult), ONLY_BAD_REQUEST))


def get_custom_metadata_fields(
    ctx: RequestContext, include_deleted: bool = False
) -> Operation[ListCustomMetadataFieldsResult]:
    params = (("includeDeleted", str(bool(include_deleted)).lower()),)
    request = api_request(ctx, "GET", "/v1/customMetadataFields", params=params)
    decode = as_list(CustomMetadataFieldsResult, ListCustomMetadataFieldsResult)
    return Operation(request, expect(200, decode, ONLY_UNKNOWN))


def update_custom_metadata_fields(
    ctx: RequestContext, field_id: Any, options: Any
) -> Operation[FieldResult]:
    if not field_id:
        # The 4.x argument is the enum member itself, not its payload.
        raise ValueError(ERRORS.MISSING_CUSTOM_METADATA_FIELD_ID)
    if options is None:
        raise ValueError(ERRORS.UPDATE_DATA_MISSING.value)
    path = f"/v1/customMetadataFields/{path_segment(field_id)}"
    request = api_request(ctx, "PATCH", path, json=field_body(options))
    return Operation(request, expect(200, as_object(FieldResult), BAD_REQUEST_OR_NOT_FOUND))


def delete_custom_metadata_field(
    ctx: RequestContext, field_id: Any
) -> Operation[ResponseMetadataResult]:
    if not field_id:
        raise ValueError(ERRORS.MISSING_CUSTOM_METADATA_FIELD_ID)
    request = api_request(ctx, "DELETE", f"/v1/customMetadataFields/{path_segment(field_id)}")
    return Operation(request, expect(204, as_metadata_only, ONLY_NOT_FOUND))
