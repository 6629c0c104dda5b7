"""URL endpoints as the API sees them: request validation and the public JSON object.

The default endpoint (id ``default``, empty prefix) serves the media library and always
exists. Every other endpoint has a one-segment ``urlPrefix`` and an ordered list of origins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from imagekit_server.errors import BadRequest

DEFAULT_ENDPOINT_ID = "default"
DEFAULT_DESCRIPTION = "Default URL endpoint (media library)"
REWRITER_TYPES = ("CLOUDINARY", "IMGIX", "AKAMAI")
MAX_ORIGINS = 10
# One path segment; no ':' so it never looks like a `tr:` segment, no "ik-" (URL features).
_PREFIX = re.compile(r"(?!ik-)[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


@dataclass(frozen=True)
class UrlRewriter:
    type: str
    preserve_asset_delivery_types: bool = False

    def public_json(self) -> dict[str, Any]:
        if self.type == "CLOUDINARY":
            return {
                "type": self.type,
                "preserveAssetDeliveryTypes": self.preserve_asset_delivery_types,
            }
        return {"type": self.type}


@dataclass(frozen=True)
class UrlEndpoint:
    id: str
    account_id: str
    description: str
    url_prefix: str
    origin_ids: tuple[str, ...] = ()
    url_rewriter: UrlRewriter | None = None

    @property
    def is_default(self) -> bool:
        return self.id == DEFAULT_ENDPOINT_ID

    def public_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "description": self.description,
            "urlPrefix": self.url_prefix,
            "origins": list(self.origin_ids),
        }
        if self.url_rewriter is not None:
            body["urlRewriter"] = self.url_rewriter.public_json()
        return body


def default_endpoint(account_id: str) -> UrlEndpoint:
    return UrlEndpoint(DEFAULT_ENDPOINT_ID, account_id, DEFAULT_DESCRIPTION, "")


@dataclass(frozen=True)
class EndpointRequest:
    description: str
    url_prefix: str
    origin_ids: tuple[str, ...]
    url_rewriter: UrlRewriter | None


def parse_endpoint_request(body: dict[str, Any]) -> EndpointRequest:
    """Validate a create/replace body (origins are checked against the account later)."""
    description = body.get("description")
    if not isinstance(description, str) or not description.strip():
        raise BadRequest("Missing parameter description.", reason="MISSING_PARAMETER")
    url_prefix = body.get("urlPrefix")
    if not isinstance(url_prefix, str) or not _PREFIX.fullmatch(url_prefix):
        raise BadRequest(
            "urlPrefix must be 1-100 letters, digits, '_' or '-', start with a letter or "
            "digit and not start with 'ik-'.",
            reason="INVALID_PARAMETER",
        )
    return EndpointRequest(
        description.strip(), url_prefix, _origin_ids(body), parse_rewriter(body.get("urlRewriter"))
    )


def _origin_ids(body: dict[str, Any]) -> tuple[str, ...]:
    value = body.get("origins")
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise BadRequest(
            "origins must be a non-empty array of origin ids.", reason="INVALID_PARAMETER"
        )
    if len(value) > MAX_ORIGINS or len(set(value)) != len(value):
        raise BadRequest(
            f"origins must list at most {MAX_ORIGINS} distinct origin ids.",
            reason="INVALID_PARAMETER",
        )
    return tuple(value)


def parse_rewriter(value: object) -> UrlRewriter | None:
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in REWRITER_TYPES:
        raise BadRequest(
            f"urlRewriter.type must be one of {', '.join(REWRITER_TYPES)}.",
            reason="INVALID_PARAMETER",
        )
    preserve = value.get("preserveAssetDeliveryTypes", False)
    if not isinstance(preserve, bool):
        raise BadRequest(
            "urlRewriter.preserveAssetDeliveryTypes must be a boolean.",
            reason="INVALID_PARAMETER",
        )
    return UrlRewriter(str(value["type"]), preserve)


def rewriter_from_json(value: Any) -> UrlRewriter | None:
    """The stored form (as ``public_json`` wrote it)."""
    if not value:
        return None
    return UrlRewriter(value["type"], bool(value.get("preserveAssetDeliveryTypes", False)))
