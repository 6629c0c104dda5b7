"""The text fields of an upload request (docs/reference/api.md §4.1.1), parsed and validated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from imagekit_server.bounded_json import JsonLimitError, loads_bounded
from imagekit_server.errors import BadRequest

RESPONSE_FIELDS = frozenset(
    {
        "tags",
        "customCoordinates",
        "isPrivateFile",
        "embeddedMetadata",
        "isPublished",
        "customMetadata",
        "metadata",
        "selectedFieldsSchema",
    }
)
MAX_TAGS_LENGTH = 500
_COORDINATES = re.compile(r"\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*")
_POST_TYPES = frozenset({"transformation", "gif-to-video", "thumbnail", "abs"})


@dataclass(frozen=True)
class ClientAuth:
    """Client-side upload credentials (docs/reference/api.md §4.1.4)."""

    public_key: str
    signature: str
    expire: str
    token: str


@dataclass(frozen=True)
class UploadOptions:
    file_name: str
    use_unique_file_name: bool = True
    tags: list[str] | None = None
    folder: str = "/"
    is_private_file: bool = False
    is_published: bool = True
    custom_coordinates: str | None = None
    response_fields: frozenset[str] = frozenset()
    extensions: list[Any] = field(default_factory=list)
    webhook_url: str | None = None
    overwrite_file: bool = True
    overwrite_ai_tags: bool = True
    overwrite_tags: bool = True
    overwrite_custom_metadata: bool = True
    custom_metadata: dict[str, Any] | None = None
    pre_transformation: str | None = None
    post_transformations: list[dict[str, Any]] = field(default_factory=list)
    checks: str | None = None
    description: str | None = None


def parse_bool(fields: Mapping[str, str], name: str, default: bool) -> bool:
    raw = fields.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise BadRequest(f"Invalid value for {name}: expected true or false.")


def parse_json(fields: Mapping[str, str], name: str) -> Any:
    raw = fields.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return loads_bounded(raw, f"The {name} parameter")
    except JsonLimitError as exc:
        raise BadRequest(f"Invalid {name} parameter: {exc}") from exc


def parse_tags(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    text = raw.strip()
    values: Any = text.split(",")
    if text.startswith("["):
        try:
            values = loads_bounded(text, "The tags parameter")
        except JsonLimitError as exc:
            raise BadRequest(f"Invalid tags parameter: {exc}") from exc
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadRequest("Invalid tags parameter: expected a list of strings.")
    tags = list(dict.fromkeys(tag.strip() for tag in values if tag.strip()))
    if sum(len(tag) for tag in tags) > MAX_TAGS_LENGTH:
        raise BadRequest(f"Tags may have at most {MAX_TAGS_LENGTH} characters in total.")
    if any("%" in tag for tag in tags):
        raise BadRequest("Tags must not contain '%'.")
    return tags or None


def _parse_coordinates(raw: str | None) -> str | None:
    if raw is None or raw.strip() == "":
        return None
    if not _COORDINATES.fullmatch(raw):
        raise BadRequest("Invalid customCoordinates parameter: expected x,y,width,height.")
    return ",".join(part.strip() for part in raw.split(","))


def _parse_response_fields(raw: str | None) -> frozenset[str]:
    names = frozenset(part.strip() for part in (raw or "").split(",") if part.strip())
    unknown = sorted(names - RESPONSE_FIELDS)
    if unknown:
        raise BadRequest(f"Invalid responseFields parameter: {', '.join(unknown)}.")
    return names


def _parse_transformation(fields: Mapping[str, str]) -> tuple[str | None, list[dict[str, Any]]]:
    value = parse_json(fields, "transformation")
    if value is None:
        return None, []
    if not isinstance(value, dict):
        raise BadRequest("Invalid transformation parameter: expected a JSON object.")
    pre = value.get("pre")
    if pre is not None and (not isinstance(pre, str) or not pre.strip()):
        raise BadRequest("Invalid transformation parameter: 'pre' must be a non-empty string.")
    post = value.get("post", [])
    if not isinstance(post, list):
        raise BadRequest("Invalid transformation parameter: 'post' must be a list.")
    for step in post:
        if not isinstance(step, dict) or step.get("type") not in _POST_TYPES:
            raise BadRequest("Invalid transformation parameter: unknown 'post' type.")
        needs_value = step["type"] in ("transformation", "abs")
        if needs_value and not isinstance(step.get("value"), str):
            raise BadRequest(f"Invalid transformation parameter: '{step['type']}' needs a value.")
    return pre, post


def parse_client_auth(fields: Mapping[str, str]) -> ClientAuth | None:
    """The V1 client-side credentials, or None when the form carries none of them."""
    names = ("publicKey", "signature", "expire", "token")
    present = [name for name in names if fields.get(name)]
    if not present:
        return None
    missing = [name for name in names if not fields.get(name)]
    if missing:
        raise BadRequest(f"Missing {', '.join(missing)} parameter for client-side upload.")
    return ClientAuth(fields["publicKey"], fields["signature"], fields["expire"], fields["token"])


def parse_upload_options(fields: Mapping[str, str]) -> UploadOptions:
    file_name = fields.get("fileName", "").strip()
    if not file_name:
        raise BadRequest("Missing fileName parameter for upload.")
    extensions = parse_json(fields, "extensions") or []
    if not isinstance(extensions, list):
        raise BadRequest("Invalid extensions parameter: expected a JSON array.")
    custom_metadata = parse_json(fields, "customMetadata")
    if custom_metadata is not None and not isinstance(custom_metadata, dict):
        raise BadRequest("Invalid customMetadata parameter: expected a JSON object.")
    pre, post = _parse_transformation(fields)
    return UploadOptions(
        file_name=file_name,
        use_unique_file_name=parse_bool(fields, "useUniqueFileName", True),
        tags=parse_tags(fields.get("tags")),
        folder=fields.get("folder") or "/",
        is_private_file=parse_bool(fields, "isPrivateFile", False),
        is_published=parse_bool(fields, "isPublished", True),
        custom_coordinates=_parse_coordinates(fields.get("customCoordinates")),
        response_fields=_parse_response_fields(fields.get("responseFields")),
        extensions=extensions,
        webhook_url=fields.get("webhookUrl") or None,
        overwrite_file=parse_bool(fields, "overwriteFile", True),
        overwrite_ai_tags=parse_bool(fields, "overwriteAITags", True),
        overwrite_tags=parse_bool(fields, "overwriteTags", True),
        overwrite_custom_metadata=parse_bool(fields, "overwriteCustomMetadata", True),
        custom_metadata=custom_metadata,
        pre_transformation=pre,
        post_transformations=post,
        checks=fields.get("checks") or None,
        description=fields.get("description"),
    )
