"""Origins must not point back at this server: a request would fetch from itself and stall for
the origin timeout (or recurse). Checked on the URL's literal host and port, no DNS lookup:
the public URL's host and port, and the listen address (every local address when it listens
on a wildcard address)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from imagekit_server.errors import BadRequest
from imagekit_server.origins.models import S3_COMPATIBLE, WEB_FOLDER, OriginRequest
from imagekit_server.settings import Settings

_DEFAULT_PORTS = {"http": 80, "https": 443}
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})
_URL_FIELDS = {WEB_FOLDER: "baseUrl", S3_COMPATIBLE: "endpoint"}


def refuse_self_reference(origin: OriginRequest, settings: Settings) -> None:
    """400 when the origin's base URL or endpoint is this server's own address."""
    field = _URL_FIELDS.get(origin.type)
    if field is not None and points_at_this_server(str(origin.config[field]), settings):
        raise BadRequest(
            f"{field} points at this server itself ({settings.public_url}); an origin must be "
            "another server, or each request would wait on itself.",
            reason="INVALID_PARAMETER",
        )


def points_at_this_server(url: str, settings: Settings) -> bool:
    target = _host_and_port(url)
    if target is None:
        return False
    own = {_host_and_port(settings.public_url), (_normal_host(settings.host), settings.port)}
    if target in own:
        return True
    host, port = target
    listens_everywhere = _normal_host(settings.host) in _WILDCARDS
    return listens_everywhere and port == settings.port and _is_loopback(host)


def _host_and_port(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.hostname is None or port is None:
        return None
    return _normal_host(parts.hostname), port


def _normal_host(host: str) -> str:
    lowered = host.lower().strip("[]").rstrip(".")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(lowered)
    except ValueError:
        return lowered
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def _is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
