"""Request bodies of our extension endpoints, whose handlers read JSON themselves (so FastAPI's
description has none). Keys are (method, path shape); fields follow the handlers' parsing."""

from __future__ import annotations

from typing import Any


def _object(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_TEXT: dict[str, Any] = {"type": "string"}
_FLAG: dict[str, Any] = {"type": "boolean"}
_CHAIN: dict[str, Any] = {"type": "string", "example": "w-300,h-200:rt-90"}
_ORIGIN = _object(
    ["type", "name"],
    type={"enum": ["S3", "S3_COMPATIBLE", "WEB_FOLDER", "WEB_PROXY"]},
    name=_TEXT,
    bucket={**_TEXT, "description": "S3, S3_COMPATIBLE (required)"},
    prefix=_TEXT,
    accessKey={**_TEXT, "description": "S3, S3_COMPATIBLE (required; never shown again)"},
    secretKey={**_TEXT, "description": "S3, S3_COMPATIBLE (required; never shown again)"},
    endpoint={**_TEXT, "description": "S3_COMPATIBLE (required)"},
    s3ForcePathStyle=_FLAG,
    baseUrl={**_TEXT, "description": "WEB_FOLDER (required)"},
    forwardHostHeaderToOrigin=_FLAG,
    includeCanonicalHeader=_FLAG,
    baseUrlForCanonicalHeader=_TEXT,
)
_URL_ENDPOINT = _object(
    ["description"],
    description=_TEXT,
    urlPrefix=_TEXT,
    origins={"type": "array", "items": {"type": "string"}, "description": "origin ids, in order"},
    urlRewriter={"type": "object", "properties": {"type": _TEXT}},
)
_SAVED_EXTENSION = _object(
    ["name", "config"], name=_TEXT, description=_TEXT, config={"type": "object"}
)
_SAVED_EXTENSION_UPDATE = _object([], name=_TEXT, description=_TEXT, config={"type": "object"})

_WEBHOOK_ENDPOINT = _object(
    ["url"],
    url={**_TEXT, "description": "where events are POSTed (http or https)"},
    events={
        "type": "array",
        "items": _TEXT,
        "description": "event types to send (e.g. file.created); null or absent: every event",
    },
    description=_TEXT,
    enabled=_FLAG,
)

# Writes that take no body at all.
BODYLESS: frozenset[tuple[str, str]] = frozenset(
    {("post", "/v1/accounts/webhooks/deliveries/{}/retry")}
)

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/v1/accounts/webhooks"): _WEBHOOK_ENDPOINT,
    ("post", "/v1/accounts/origins"): _ORIGIN,
    ("put", "/v1/accounts/origins/{}"): _ORIGIN,
    ("post", "/v1/accounts/url-endpoints"): _URL_ENDPOINT,
    ("put", "/v1/accounts/url-endpoints/{}"): _URL_ENDPOINT,
    ("post", "/v1/saved-extensions"): _SAVED_EXTENSION,
    ("patch", "/v1/saved-extensions/{}"): _SAVED_EXTENSION_UPDATE,
    ("post", "/v1/named-transformations"): _object(
        ["name", "transformation"], name=_TEXT, transformation=_CHAIN, enabled=_FLAG
    ),
    ("patch", "/v1/named-transformations/{}"): _object(
        [], name=_TEXT, transformation=_CHAIN, enabled=_FLAG
    ),
    ("post", "/v1/x/named-transformations"): _object(
        ["name", "transformation"], name=_TEXT, transformation=_CHAIN
    ),
    ("put", "/v1/x/named-transformations/{}"): _object(["transformation"], transformation=_CHAIN),
    ("post", "/v1/bulkJobs/renameFolder"): _object(
        ["folderPath", "newFolderName"], folderPath=_TEXT, newFolderName=_TEXT, purgeCache=_FLAG
    ),
}
