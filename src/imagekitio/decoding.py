"""Turning an ``ApiResponse`` into a result object or an exception (pure functions).

Each method has one success status and an error table (status -> 4.x exception class); any
status not in the table raises ``UnknownException``. The tables reproduce the 4.x matrix.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .errors import APIStatusError
from .exceptions.BadRequestException import BadRequestException
from .exceptions.ConflictException import ConflictException
from .exceptions.ForbiddenException import ForbiddenException
from .exceptions.InternalServerException import InternalServerException
from .exceptions.NotFoundException import NotFoundException
from .exceptions.PartialSuccessException import PartialSuccessException
from .exceptions.TooManyRequestsException import TooManyRequestsException
from .exceptions.UnauthorizedException import UnauthorizedException
from .exceptions.UnknownException import UnknownException
from .models.results.ResponseMetadata import ResponseMetadata
from .models.results.ResponseMetadataResult import ResponseMetadataResult
from .result_base import OpenResult
from .utils.formatter import camel_dict_to_snake_dict
from .wire import ApiResponse

ResultT = TypeVar("ResultT")
ErrorTable = Mapping[int, type[APIStatusError]]

GENERAL_ERRORS: ErrorTable = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    429: TooManyRequestsException,
    500: InternalServerException,
    502: InternalServerException,
    503: InternalServerException,
    504: InternalServerException,
}
GENERAL_OR_NOT_FOUND: ErrorTable = {**GENERAL_ERRORS, 404: NotFoundException}
GENERAL_OR_PARTIAL: ErrorTable = {**GENERAL_OR_NOT_FOUND, 207: PartialSuccessException}
RENAME_ERRORS: ErrorTable = {**GENERAL_OR_PARTIAL, 409: ConflictException}
ONLY_UNKNOWN: ErrorTable = {}
ONLY_BAD_REQUEST: ErrorTable = {400: BadRequestException}
ONLY_NOT_FOUND: ErrorTable = {404: NotFoundException}
BAD_REQUEST_OR_NOT_FOUND: ErrorTable = {400: BadRequestException, 404: NotFoundException}


def parse_body(response: ApiResponse) -> Any:
    """JSON body; else a Python literal (4.x accepted single-quoted dicts); else the text."""
    try:
        return response.json()
    except ValueError:
        pass
    text = response.text
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def response_metadata(response: ApiResponse, raw: Any) -> ResponseMetadata:
    return ResponseMetadata(raw, response.status_code, response.headers)


def status_error(response: ApiResponse, errors: ErrorTable) -> APIStatusError:
    """The exception for a non-success response: ``message``/``help`` from the error body."""
    body = parse_body(response)
    if isinstance(body, dict):
        message, help_text = body.get("message", ""), body.get("help", "")
    elif isinstance(body, str):
        message, help_text = body.strip(), ""
    else:
        message, help_text = "", ""
    error_class = errors.get(response.status_code, UnknownException)
    return error_class(message, help_text, response_metadata(response, body))


def expect(
    success: int, convert: Callable[[ApiResponse], ResultT], errors: ErrorTable
) -> Callable[[ApiResponse], ResultT]:
    """A decoder that converts the ``success`` status and raises for every other one."""

    def decode(response: ApiResponse) -> ResultT:
        if response.status_code != success:
            raise status_error(response, errors)
        return convert(response)

    return decode


def _json_body(response: ApiResponse, expected: type) -> Any:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, expected):
        raise UnknownException(
            f"Expected a JSON {expected.__name__} in the response body",
            "",
            response_metadata(response, parse_body(response)),
        )
    return body


def _build(result_class: Callable[..., ResultT], data: dict[str, Any]) -> ResultT:
    fields = camel_dict_to_snake_dict(data)
    if not (isinstance(result_class, type) and issubclass(result_class, OpenResult)):
        # Closed 4.x classes reject unknown keys; ignore them instead of crashing.
        accepted = inspect.signature(result_class).parameters
        fields = {name: value for name, value in fields.items() if name in accepted}
    return result_class(**fields)


def as_object(result_class: Callable[..., ResultT]) -> Callable[[ApiResponse], ResultT]:
    """Convert a JSON object body into ``result_class`` (camelCase keys -> snake_case)."""

    def convert(response: ApiResponse) -> ResultT:
        body = _json_body(response, dict)
        result = _build(result_class, body)
        result.response_metadata = response_metadata(response, body)  # type: ignore[attr-defined]
        return result

    return convert


def as_list(
    item_class: Callable[..., Any], list_class: Callable[..., ResultT]
) -> Callable[[ApiResponse], ResultT]:
    """Convert a JSON array body into ``list_class([item_class(...), ...])``."""

    def convert(response: ApiResponse) -> ResultT:
        body = _json_body(response, list)
        items = [_build(item_class, item) for item in body if isinstance(item, dict)]
        result = list_class(items)
        result.response_metadata = response_metadata(response, body)  # type: ignore[attr-defined]
        return result

    return convert


def as_metadata_only(response: ApiResponse) -> ResponseMetadataResult:
    """For calls without a result body: ``raw`` is ``None`` for 204, else the parsed body."""
    result = ResponseMetadataResult()
    raw = None if response.status_code == 204 else parse_body(response)
    result.response_metadata = response_metadata(response, raw)
    return result
