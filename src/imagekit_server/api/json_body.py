"""Reading JSON request bodies of the management API (ids, strings, flags, file and folder
paths): every malformed body or wrongly typed field becomes a 400 in ImageKit's error shape,
never a 5xx or a FastAPI 422."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from imagekit_server.bounded_json import MAX_JSON_BYTES, JsonLimitError, loads_bounded
from imagekit_server.errors import BadRequest
from imagekit_server.files.naming import normalise_folder
from imagekit_server.ids import is_valid_id

INVALID_FILE_ID = "Your request contains invalid fileId parameter."


async def json_value(request: Request) -> Any:
    """The body as JSON within the limits of bounded_json.py; None for an empty body."""
    raw = await bounded_body(request)
    if not raw.strip():
        return None
    try:
        return loads_bounded(raw, "The request body")
    except JsonLimitError as exc:
        raise BadRequest(str(exc), reason="INVALID_PARAMETER") from exc


async def bounded_body(request: Request, limit: int = MAX_JSON_BYTES) -> bytes:
    """The body, read no further than ``limit`` bytes (a 400 beyond)."""
    too_large = BadRequest(
        f"The request body is too large: at most {limit} bytes.", reason="INVALID_PARAMETER"
    )
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body counts as ``{}``."""
    body = await json_value(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.", reason="INVALID_PARAMETER")
    return body


def checked_file_id(file_id: str) -> str:
    if not is_valid_id(file_id):
        raise BadRequest(INVALID_FILE_ID)
    return file_id


def required_string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None or value == "":
        raise BadRequest(f"Missing parameter {name}.", reason="MISSING_PARAMETER")
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string.", reason="INVALID_PARAMETER")
    return value


def optional_bool(body: dict[str, Any], *names: str, default: bool = False) -> bool:
    """The first of ``names`` present in the body (for spellings that differ between SDKs)."""
    for name in names:
        if name in body and body[name] is not None:
            value = body[name]
            if not isinstance(value, bool):
                raise BadRequest(f"{name} must be a boolean.", reason="INVALID_PARAMETER")
            return value
    return default


def string_list(body: dict[str, Any], name: str, *, max_items: int | None = None) -> list[str]:
    """A non-empty array of non-empty strings."""
    value = body.get(name)
    if not isinstance(value, list) or not value:
        raise BadRequest(f"{name} must be a non-empty array.")
    if not all(isinstance(item, str) and item for item in value):
        raise BadRequest(f"Every item of {name} must be a non-empty string.")
    if max_items is not None and len(value) > max_items:
        raise BadRequest(f"{name} can have at most {max_items} items.")
    return list(dict.fromkeys(value))


def file_id_list(body: dict[str, Any], *, max_items: int) -> list[str]:
    file_ids = string_list(body, "fileIds", max_items=max_items)
    if not all(is_valid_id(file_id) for file_id in file_ids):
        raise BadRequest(INVALID_FILE_ID)
    return file_ids


def file_path_parameter(body: dict[str, Any], name: str) -> str:
    raw = required_string(body, name)
    path = "/" + raw.strip().strip("/")
    if path == "/":
        raise BadRequest(f"{name} must name a file.", reason="INVALID_PARAMETER")
    return path


def folder_parameter(body: dict[str, Any], name: str) -> str:
    raw = required_string(body, name)
    try:
        return normalise_folder(raw, parameter=name)
    except BadRequest as exc:
        raise BadRequest(exc.message, reason="INVALID_FOLDER_PATH") from exc


def folder_name(raw: str) -> str:
    """One folder name: no ``/``; ``.``/``..`` refused; other characters as in uploads."""
    if "/" in raw:
        raise BadRequest("folderName must not contain '/'.", reason="INVALID_PARAMETER")
    if raw.strip() in (".", ".."):
        raise BadRequest("folderName cannot be '.' or '..'.", reason="INVALID_FOLDER_PATH")
    return normalise_folder(raw, parameter="folderName").lstrip("/")
