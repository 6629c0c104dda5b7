"""The OpenAPI document served at ``/openapi.json`` (docs/api-docs.md).

ImageKit's published description (``assets/openapi/imagekit-openapi-v1.json``, converted from
its YAML unchanged) documents every ImageKit operation with its parameters, bodies, responses
and Basic auth. Its servers are replaced by this one (relative ``/``), so "Try it out" calls the
server that served the page. Routes of ours that ImageKit's description lacks (extensions such
as ``/v1/x/named-transformations``) come from FastAPI's own description; the health check and
the URL endpoint are described by hand.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from imagekit_server.api_docs.extension_bodies import BODIES, BODYLESS

METHODS = ("get", "put", "post", "delete", "patch", "head")
EXTENSION_TAG = "imagekit-server extensions"
URL_ENDPOINT_TAG = "URL endpoint"


@cache
def imagekit_description() -> dict[str, Any]:
    text = resources.files("imagekit_server").joinpath("assets/openapi/imagekit-openapi-v1.json")
    loaded: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return loaded


def path_shape(path: str) -> str:
    """``/v1/files/{fileId}/details``, ``/v1/files/{file_id}/details`` and the same with a
    trailing slash (an alias some routes accept) are one route."""
    return re.sub(r"\{[^}]+\}", "{}", path).rstrip("/") or "/"


def build_description(generated: dict[str, Any], *, version: str) -> dict[str, Any]:
    """ImageKit's description for this server, merged with ``generated`` (FastAPI's)."""
    document = copy.deepcopy(imagekit_description())
    document["info"] = {
        **document.get("info", {}),
        "title": "imagekit-server",
        "version": version,
        "description": _INTRODUCTION,
    }
    document["servers"] = [{"url": "/", "description": "this server"}]
    for item in document["paths"].values():
        item.pop("servers", None)  # upload.imagekit.io: uploads come here too
    known = {
        (method, path_shape(path))
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }
    for path, item in generated.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS and (method, path_shape(path)) not in known:
                _add(document, path, method, _extension_operation(method, path, operation))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in generated.get("components", {}).get("schemas", {}).items():
        schemas.setdefault(name, schema)
    _add(document, "/healthz", "get", _HEALTH)
    _add(document, "/readyz", "get", _READY)
    _add(document, "/metrics", "get", _METRICS)
    _add(document, "/{accountId}/{path}", "get", _DELIVERY)
    tags = document.setdefault("tags", [])
    tags.append({"name": EXTENSION_TAG, "description": "Endpoints beyond ImageKit's API."})
    tags.append({"name": URL_ENDPOINT_TAG, "description": _URL_ENDPOINT_TEXT})
    return document


def _add(document: dict[str, Any], path: str, method: str, operation: dict[str, Any]) -> None:
    document["paths"].setdefault(path, {})[method] = operation


def _extension_operation(method: str, path: str, operation: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's operation, tagged as an extension, with the answers every API call can give
    and a JSON body where the handler reads one itself."""
    described = copy.deepcopy(operation)
    described["tags"] = [EXTENSION_TAG, *described.get("tags", [])]
    responses = described.setdefault("responses", {})
    responses.pop("422", None)  # the server answers invalid input with 400 (ImageKit's shape)
    for status, text in _COMMON_ERRORS.items():
        responses.setdefault(status, {"description": text, **_ERROR_BODY})
    shape = (method, path_shape(path))
    if "requestBody" not in described and method in {"post", "put", "patch"}:
        if shape in BODYLESS:
            return described
        described["requestBody"] = BODIES.get(shape, _JSON_BODY)
    return described


_ERROR_BODY: dict[str, Any] = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"message": {"type": "string"}, "help": {"type": "string"}},
            }
        }
    }
}
_COMMON_ERRORS = {
    "400": "Invalid request: the message names the problem.",
    "401": "Missing or wrong private key (HTTP Basic, the private key as user name).",
    "404": "No such object.",
}
_JSON_BODY: dict[str, Any] = {
    "required": True,
    "content": {"application/json": {"schema": {"type": "object"}}},
}
_HEALTH: dict[str, Any] = {
    "tags": [EXTENSION_TAG],
    "summary": "Health check",
    "description": "200 while the process serves requests (used by container health checks).",
    "operationId": "healthz",
    "security": [],
    "responses": {
        "200": {
            "description": "Healthy.",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"status": {"enum": ["ok"]}}}
                }
            },
        }
    },
}
_READINESS_BODY: dict[str, Any] = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "status": {"enum": ["ok", "unavailable"]},
                    "checks": {
                        "type": "object",
                        "description": "database and storage: ok, or what failed",
                    },
                },
            }
        }
    }
}
_READY: dict[str, Any] = {
    "tags": [EXTENSION_TAG],
    "summary": "Readiness check",
    "description": "200 when the database and blob store answer, else 503 (docs/operations.md).",
    "operationId": "readyz",
    "security": [],
    "responses": {
        "200": {"description": "Ready to serve.", **_READINESS_BODY},
        "503": {"description": "The database or the blob store is unusable.", **_READINESS_BODY},
    },
}
_METRICS: dict[str, Any] = {
    "tags": [EXTENSION_TAG],
    "summary": "Prometheus metrics",
    "description": "Prometheus text exposition (IMAGEKIT_METRICS; docs/operations.md).",
    "operationId": "metrics",
    "security": [],
    "responses": {"200": {"description": "Metrics.", "content": {"text/plain": {}}}},
}
_URL_ENDPOINT_TEXT = (
    "Files are delivered from `/<account id>/<file path>`, transformed in real time with "
    "`tr:` path segments (`/demo/tr:w-300,h-200/photo.jpg`) or the `tr` query parameter "
    "(`/demo/photo.jpg?tr=w-300,h-200`). Steps inside a transformation are separated by `,`, "
    "chained transformations by `:` (`tr:w-300:rt-90`). Private and unpublished files need a "
    "signed URL (`ik-s`, and `ik-t` for an expiring one). The full parameter list and syntax "
    "are in docs/urls.md of the repository."
)
_DELIVERY: dict[str, Any] = {
    "tags": [URL_ENDPOINT_TAG],
    "summary": "Deliver a file, optionally transformed",
    "description": _URL_ENDPOINT_TEXT,
    "operationId": "deliver",
    "security": [],
    "parameters": [
        {
            "name": "accountId",
            "in": "path",
            "required": True,
            "description": "The account's id (the URL endpoint is `<server>/<account id>`).",
            "schema": {"type": "string", "example": "demo"},
        },
        {
            "name": "path",
            "in": "path",
            "required": True,
            "description": "The file path, optionally preceded by `tr:<transformation>/`.",
            "schema": {"type": "string", "example": "tr:w-300,h-200/photo.jpg"},
        },
        {
            "name": "tr",
            "in": "query",
            "description": "A transformation in query position, e.g. `w-300,h-200:rt-90`.",
            "schema": {"type": "string"},
        },
        {
            "name": "ik-s",
            "in": "query",
            "description": "URL signature (HMAC-SHA1 with the private key).",
            "schema": {"type": "string"},
        },
        {
            "name": "ik-t",
            "in": "query",
            "description": "Expiry of a signed URL, Unix seconds.",
            "schema": {"type": "integer"},
        },
        {
            "name": "ik-obj-version",
            "in": "query",
            "description": "Deliver an older version of the file (its version id).",
            "schema": {"type": "string"},
        },
    ],
    "responses": {
        "200": {
            "description": "The file or its transformed rendition.",
            "content": {"image/*": {}, "application/octet-stream": {}},
        },
        "304": {"description": "Not modified (conditional request)."},
        "400": {"description": "Invalid transformation; the `ik-error` header says why."},
        "401": {"description": "A private or unpublished file without a valid signature."},
        "404": {"description": "No such file."},
    },
}
_INTRODUCTION = (
    "The HTTP API of this imagekit-server: ImageKit's API (authenticate with HTTP Basic, the "
    "private key as user name and an empty password: use **Authorize**), the endpoints it adds "
    f"(tag *{EXTENSION_TAG}*) and the URL endpoint that delivers files (tag "
    f"*{URL_ENDPOINT_TAG}*). Operation descriptions are ImageKit's; where this server differs, "
    "the repository's README says so."
)
