"""The outgoing-request guard: every request the server makes (upload from URL, webhooks)
goes through here.

The host name is resolved once, every resolved address is checked (private, loopback,
link-local, multicast and reserved ranges are refused unless the allowlist names the host or
network), and the connection goes to the checked address — so a DNS answer that changes
between check and connect cannot redirect the request. Redirects are followed a few times,
each hop checked again.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

from imagekit_server.settings import FetchAllowlist

MAX_REDIRECTS = 3
_CHUNK = 1 << 16


class FetchError(Exception):
    """The request was refused by the guard or failed; the message is safe to show."""


class DestinationRefused(FetchError):
    """The guard refused the destination itself (scheme, unresolvable or private host):
    retrying the same URL cannot succeed."""


@dataclass(frozen=True)
class FetchedFile:
    size: int
    content_type: str | None
    final_url: str


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    address: str
    path: str


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_destination(url: str, allowlist: FetchAllowlist) -> _Target:
    """Resolve ``url``'s host once and return the address to connect to, or raise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused("Only http and https URLs can be fetched.")
    host = parts.hostname.lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise FetchError(f"Cannot resolve host {host!r}.") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"Cannot resolve host {host!r}.")
    host_allowed = host in allowlist.hosts
    for address in addresses:
        allowed = host_allowed or any(address in net for net in allowlist.networks)
        if not allowed and not _is_public(address):
            raise DestinationRefused(f"Destination {host!r} is not allowed (private address).")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(parts.scheme, host, port, str(addresses[0]), path)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address while verifying the certificate for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(target: _Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target.host, target.address, target.port, timeout)
    return http.client.HTTPConnection(target.address, target.port, timeout=timeout)


def _host_header(target: _Target) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


def _open(
    method: str,
    url: str,
    *,
    allowlist: FetchAllowlist,
    timeout: float,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse, str]:
    for _ in range(MAX_REDIRECTS + 1):
        target = check_destination(url, allowlist)
        conn = _connection(target, timeout)
        request_headers = {"Host": _host_header(target), "User-Agent": "imagekit-server"}
        request_headers.update(headers or {})
        try:
            conn.request(method, target.path, body=body, headers=request_headers)
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise FetchError(f"Request to {target.host!r} failed: {exc}") from exc
        location = response.getheader("Location")
        if response.status in (301, 302, 303, 307, 308) and location and method == "GET":
            conn.close()
            url = urljoin(url, location)
            continue
        return conn, response, url
    raise FetchError("Too many redirects.")


def fetch_to_file(
    url: str,
    destination: Path,
    *,
    allowlist: FetchAllowlist,
    max_bytes: int,
    timeout: float,
) -> FetchedFile:
    """GET ``url`` into ``destination``; refuses non-2xx answers, bodies over ``max_bytes`` and
    downloads that take longer than ``timeout`` seconds in total."""
    deadline = time.monotonic() + timeout
    conn, response, final_url = _open("GET", url, allowlist=allowlist, timeout=timeout)
    try:
        if not 200 <= response.status < 300:
            raise FetchError(f"Fetching the URL failed with HTTP status {response.status}.")
        declared = response.getheader("Content-Length")
        if declared and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"Remote file exceeds the maximum allowed ({max_bytes} bytes).")
        with destination.open("wb") as sink:
            size = _copy_limited(response, sink, max_bytes, deadline)
        return FetchedFile(size, response.getheader("Content-Type"), final_url)
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"Fetching the URL failed: {exc}") from exc
    finally:
        conn.close()


def _copy_limited(
    response: http.client.HTTPResponse, sink: BinaryIO, max_bytes: int, deadline: float
) -> int:
    size = 0
    while chunk := response.read1(_CHUNK):  # returns what has arrived: deadline stays live
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"Remote file exceeds the maximum allowed ({max_bytes} bytes).")
        if time.monotonic() > deadline:
            raise FetchError("Fetching the URL took too long.")
        sink.write(chunk)
    return size


def post_json(
    url: str,
    payload: bytes,
    *,
    allowlist: FetchAllowlist,
    timeout: float,
    headers: dict[str, str] | None = None,
) -> int:
    """POST a JSON body (e.g. a webhook event); returns the response status."""
    conn, response, _ = _open(
        "POST",
        url,
        allowlist=allowlist,
        timeout=timeout,
        body=payload,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        response.read(_CHUNK)
        return response.status
    finally:
        conn.close()
