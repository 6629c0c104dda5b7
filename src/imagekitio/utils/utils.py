"""4.x response helpers over ``requests.Response`` (kept for callers of the old internals).

The clients themselves decode responses with ``imagekitio.decoding``; these functions adapt a
``requests.Response`` and delegate to it, so both paths behave the same.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

import requests
from requests.structures import CaseInsensitiveDict

from ..decoding import (
    GENERAL_ERRORS,
    GENERAL_OR_PARTIAL,
    as_list,
    as_metadata_only,
    as_object,
    parse_body,
    response_metadata,
    status_error,
)
from ..models.results.ResponseMetadata import ResponseMetadata
from ..models.results.ResponseMetadataResult import ResponseMetadataResult
from ..wire import ApiResponse

ResultT = TypeVar("ResultT")


def _wire(response: requests.Response) -> ApiResponse:
    return ApiResponse(
        response.status_code, CaseInsensitiveDict(response.headers), response.content
    )


def get_response_json(response: requests.Response) -> Any:
    """The parsed JSON body, else the body text."""
    try:
        return response.json()
    except ValueError:
        return response.text


def populate_response_metadata(response: requests.Response) -> ResponseMetadata:
    wire = _wire(response)
    return response_metadata(wire, parse_body(wire))


def general_api_throw_exception(response: requests.Response) -> NoReturn:
    """Raise the 4.x exception for 400/401/403/429/5xx, else ``UnknownException``."""
    raise status_error(_wire(response), GENERAL_ERRORS)


def throw_other_exception(response: requests.Response) -> NoReturn:
    """Raise ``PartialSuccessException`` for 207, ``NotFoundException`` for 404."""
    wire = _wire(response)
    table = {status: GENERAL_OR_PARTIAL[status] for status in (207, 404)}
    raise status_error(wire, table)


def convert_to_response_object(resp: requests.Response, response_object: type[ResultT]) -> ResultT:
    return as_object(response_object)(_wire(resp))


def convert_to_response_metadata_result_object(
    resp: requests.Response,
) -> ResponseMetadataResult:
    return as_metadata_only(_wire(resp))


def convert_to_list_response_object(
    resp: requests.Response, response_object: type[Any], list_response_object: type[ResultT]
) -> ResultT:
    return as_list(response_object, list_response_object)(_wire(resp))
