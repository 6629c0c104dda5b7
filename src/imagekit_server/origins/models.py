"""Origins as the API sees them: request validation per type and the public JSON object.

An origin request is split into ``config`` (what ``GET`` shows) and ``secrets`` (credentials,
kept for fetching and never shown). Types this server cannot fetch from are refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from imagekit_server.errors import BadRequest

S3 = "S3"
S3_COMPATIBLE = "S3_COMPATIBLE"
WEB_FOLDER = "WEB_FOLDER"
WEB_PROXY = "WEB_PROXY"
SUPPORTED_TYPES = (S3, S3_COMPATIBLE, WEB_FOLDER, WEB_PROXY)
UNSUPPORTED_TYPES = ("CLOUDINARY_BACKUP", "GCS", "AZURE_BLOB", "AKENEO_PIM")

# Per type: required strings, optional strings, optional booleans, secret fields.
_REQUIRED = {
    S3: ("bucket", "accessKey", "secretKey"),
    S3_COMPATIBLE: ("bucket", "accessKey", "secretKey", "endpoint"),
    WEB_FOLDER: ("baseUrl",),
    WEB_PROXY: (),
}
_OPTIONAL_STRINGS = {
    S3: ("prefix",),
    S3_COMPATIBLE: ("prefix",),
    WEB_FOLDER: (),
    WEB_PROXY: (),
}
_OPTIONAL_BOOLS = {
    S3: (),
    S3_COMPATIBLE: ("s3ForcePathStyle",),
    WEB_FOLDER: ("forwardHostHeaderToOrigin",),
    WEB_PROXY: (),
}
_SECRETS = frozenset({"accessKey", "secretKey"})
_COMMON_STRINGS = ("baseUrlForCanonicalHeader",)
_COMMON_BOOLS = ("includeCanonicalHeader",)


@dataclass(frozen=True)
class Origin:
    id: str
    account_id: str
    type: str
    name: str
    config: dict[str, Any]
    secrets: dict[str, str]

    def public_json(self) -> dict[str, Any]:
        """The API object: id, type, name and the non-secret fields."""
        return {"id": self.id, "type": self.type, "name": self.name, **self.config}


@dataclass(frozen=True)
class OriginRequest:
    type: str
    name: str
    config: dict[str, Any]
    secrets: dict[str, str]


def parse_origin_request(body: dict[str, Any]) -> OriginRequest:
    """Validate a create/replace body; 400 naming the problem (or the unsupported type)."""
    origin_type = body.get("type")
    if origin_type in UNSUPPORTED_TYPES:
        raise BadRequest(
            f"Origin type {origin_type} is not supported by this server; "
            f"supported types: {', '.join(SUPPORTED_TYPES)}.",
            reason="UNSUPPORTED_ORIGIN_TYPE",
        )
    if origin_type not in SUPPORTED_TYPES:
        raise BadRequest(
            f"Invalid origin type {origin_type!r}; expected one of "
            f"{', '.join(SUPPORTED_TYPES + UNSUPPORTED_TYPES)}.",
            reason="INVALID_PARAMETER",
        )
    name = _required(body, "name")
    config: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    for field in _REQUIRED[origin_type]:
        value = _required(body, field)
        (secrets if field in _SECRETS else config)[field] = value
    for field in _OPTIONAL_STRINGS[origin_type] + _COMMON_STRINGS:
        optional = _string(body, field, required=False)
        if optional is not None:
            config[field] = optional
    for field in _OPTIONAL_BOOLS[origin_type] + _COMMON_BOOLS:
        config[field] = _bool(body, field)
    _normalise(origin_type, config)
    return OriginRequest(origin_type, name, config, secrets)


def _normalise(origin_type: str, config: dict[str, Any]) -> None:
    if origin_type in (S3, S3_COMPATIBLE):
        config["prefix"] = str(config.get("prefix", "")).strip("/")
    if origin_type == S3_COMPATIBLE:
        config["endpoint"] = _http_url(config["endpoint"], "endpoint")
    if origin_type == WEB_FOLDER:
        config["baseUrl"] = _http_url(config["baseUrl"], "baseUrl")
    if "baseUrlForCanonicalHeader" in config:
        _http_url(config["baseUrlForCanonicalHeader"], "baseUrlForCanonicalHeader")


def _http_url(value: str, field: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(f"{field} must be an http or https URL.", reason="INVALID_PARAMETER")
    return value.rstrip("/")


def _required(body: dict[str, Any], field: str) -> str:
    value = _string(body, field, required=True)
    assert value is not None
    return value


def _string(body: dict[str, Any], field: str, *, required: bool) -> str | None:
    value = body.get(field)
    if value is None or value == "":
        if required:
            raise BadRequest(f"Missing parameter {field}.", reason="MISSING_PARAMETER")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a string.", reason="INVALID_PARAMETER")
    return value


def _bool(body: dict[str, Any], field: str) -> bool:
    value = body.get(field)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadRequest(f"{field} must be a boolean.", reason="INVALID_PARAMETER")
    return value
