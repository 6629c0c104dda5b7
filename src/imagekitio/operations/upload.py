"""Upload (``POST /api/v1/files/upload``): the form fields and the streamed file part.

As in 4.x, ``str`` and ``bytes`` travel as a plain form field (no filename): the server reads a
URL or base64 text from a ``str`` (anything else is refused), and raw content or base64 from
``bytes``. A binary file object (read from its current position) or an ``os.PathLike`` is
content and goes as a file part named after ``file_name``.

The body is what 4.x sent (one ``bytes`` with 4.x's boundary) whenever it is in memory anyway
or small (``INLINE_BYTES``), so tests that mock HTTP see 4.x's body; larger files are streamed
in chunks, so memory stays flat whatever their size.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

from ..constants.errors import ERRORS
from ..constants.files import VALID_UPLOAD_OPTIONS
from ..decoding import GENERAL_ERRORS, as_object, expect
from ..models.results.UploadFileResult import UploadFileResult
from ..multipart import (
    CRLF,
    Field,
    FileField,
    MultipartBody,
    ProgressCallback,
    TextField,
    encoded_once,
)
from ..request_context import RequestContext
from ..utils.formatter import snake_to_lower_camel
from ..wire import ApiRequest, Operation
from .building import option_fields

UPLOAD_PATH = "/api/v1/files/upload"
INLINE_BYTES = 8 * 1024 * 1024
# 4.x rejected ``metadata``, which the API supports; it is allowed here.
VALID_RESPONSE_FIELDS = frozenset(VALID_UPLOAD_OPTIONS) | {"metadata", "selected_fields_schema"}


def _field_text(key: str, value: Any) -> str:
    if key == "extensions" or isinstance(value, (dict, tuple)):
        return json.dumps(value)
    if key == "response_fields":
        names = [value] if isinstance(value, str) else list(value)
        if any(name not in VALID_RESPONSE_FIELDS for name in names):
            raise ValueError("Invalid upload options")
        return ",".join(snake_to_lower_camel(name) for name in names)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def upload_form_fields(options: Any) -> list[tuple[str, str]]:
    """``(wire name, text)`` pairs in option order, ``overwriteAITags`` last (as 4.x)."""
    fields = []
    last = []
    for key, value in option_fields(options).items():
        if key not in VALID_UPLOAD_OPTIONS:
            raise ValueError("Invalid upload options")
        if value is None:
            continue
        pair = (snake_to_lower_camel(key), _field_text(key, value))
        if key == "overwrite_ai_tags":
            last.append(("overwriteAITags", pair[1]))
        else:
            fields.append(pair)
    return fields + last


def file_field(file: Any, file_name: str) -> Field:
    if isinstance(file, str):
        return TextField("file", file)
    if isinstance(file, (bytes, bytearray, memoryview)):
        return FileField("file", None, file)
    if isinstance(file, os.PathLike):
        return FileField("file", file_name, file)
    if isinstance(file, io.TextIOBase):
        raise TypeError("upload file objects must be opened in binary mode")
    if callable(getattr(file, "read", None)):
        return FileField("file", file_name, file)
    raise TypeError(
        "file must be a URL or base64 str, bytes, a binary file object or a path-like object, "
        f"not {type(file).__name__}"
    )


def upload_request(
    ctx: RequestContext,
    file: Any,
    file_name: Any,
    options: Any,
    progress: ProgressCallback | None = None,
) -> ApiRequest:
    if not file:
        raise TypeError(ERRORS.MISSING_UPLOAD_FILE_PARAMETER.value)
    if not file_name:
        raise TypeError(ERRORS.MISSING_UPLOAD_FILENAME_PARAMETER.value)
    name = str(file_name)
    extra = [TextField(key, value) for key, value in upload_form_fields(options)]
    fields = [file_field(file, name), TextField("fileName", name), *extra]
    body = MultipartBody(fields, progress=progress)
    length = body.content_length()
    # One bytes body, as 4.x sends it, unless the caller follows progress (our extension):
    # that needs the streamed body, which reports each chunk as it is sent.
    inline = body.has_content() or (length is not None and length <= INLINE_BYTES)
    if inline and progress is None:
        payload = encoded_once(fields)
        boundary = payload.split(CRLF, 1)[0][2:].decode()
        # The HTTP library sets Content-Length for bytes, as it did for 4.x.
        headers = {**ctx.headers(), "Content-Type": f"multipart/form-data; boundary={boundary}"}
        return ApiRequest(
            "POST", ctx.upload_url(UPLOAD_PATH), headers, body=payload, retry_safe=False
        )
    headers = {**ctx.headers(), "Content-Type": body.content_type}
    if length is not None:
        headers["Content-Length"] = str(length)
    return ApiRequest("POST", ctx.upload_url(UPLOAD_PATH), headers, body=body, retry_safe=False)


def upload(
    ctx: RequestContext,
    file: Any,
    file_name: Any,
    options: Any = None,
    progress: ProgressCallback | None = None,
) -> Operation[UploadFileResult]:
    request = upload_request(ctx, file, file_name, options, progress)
    return Operation(request, expect(200, as_object(UploadFileResult), GENERAL_ERRORS))
