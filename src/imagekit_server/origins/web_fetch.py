"""Fetch from web servers (``WEB_FOLDER`` base URL + path, ``WEB_PROXY`` absolute URLs) with a
conditional GET, through the outgoing-request guard (``fetch.check_destination``): every hop's
address is checked and the connection goes to the checked address."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import quote, urljoin

from imagekit_server.fetch import FetchError, check_destination
from imagekit_server.origins.fetching import (
    NOT_MODIFIED,
    Fetched,
    FetchLimits,
    FetchResult,
    OriginFailure,
    OriginMissing,
    Validators,
)
from imagekit_server.settings import FetchAllowlist

MAX_REDIRECTS = 3
_CHUNK = 1 << 16
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to the checked address, verifying the certificate for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class WebFetcher:
    def __init__(
        self,
        base_url: str | None,
        allowlist: FetchAllowlist,
        limits: FetchLimits,
        host_header: str | None = None,
    ) -> None:
        self.base_url = base_url
        self.allowlist = allowlist
        self.limits = limits
        self.host_header = host_header  # instead of the origin's own host name

    def url_of(self, path: str) -> str:
        if self.base_url is None:
            return path  # a web proxy: the path is the URL
        return self.base_url + quote(path, safe="/!$&'()*+,;=:@~-._")

    def fetch(self, path: str, destination: Path, validators: Validators | None) -> FetchResult:
        deadline = time.monotonic() + self.limits.timeout
        headers = {"User-Agent": "imagekit-server", "Accept": "image/*,*/*;q=0.8"}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        url = self.url_of(path)
        for _ in range(MAX_REDIRECTS + 1):
            connection, response = self._request(url, headers, deadline)
            try:
                location = response.getheader("Location")
                if response.status in _REDIRECTS and location:
                    url = urljoin(url, location)
                    continue
                return self._answer(response, destination, deadline)
            except (OSError, http.client.HTTPException) as exc:
                raise _connection_failure(exc) from exc
            finally:
                connection.close()
        raise OriginFailure("UNIDENTIFIED", "too many redirects at the origin")

    def _request(
        self, url: str, headers: dict[str, str], deadline: float
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        try:
            target = check_destination(url, self.allowlist)
        except FetchError as exc:
            raise OriginFailure("EACCES", str(exc)) from exc
        remaining = max(deadline - time.monotonic(), 0.001)
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHTTPS(target.host, target.address, target.port, remaining)
        else:
            connection = http.client.HTTPConnection(target.address, target.port, timeout=remaining)
        default_port = 443 if target.scheme == "https" else 80
        host = target.host if target.port == default_port else f"{target.host}:{target.port}"
        host = self.host_header or host
        try:
            connection.request("GET", target.path, headers={"Host": host, **headers})
            return connection, connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise _connection_failure(exc) from exc

    def _answer(
        self, response: http.client.HTTPResponse, destination: Path, deadline: float
    ) -> FetchResult:
        status = response.status
        if status == 304:
            return NOT_MODIFIED
        if status in (404, 410):
            raise OriginMissing()
        if status in (401, 403):
            raise OriginFailure("EACCES", f"the origin refused access (HTTP {status})")
        if not 200 <= status < 300:
            raise OriginFailure("UNIDENTIFIED", f"the origin answered HTTP {status}")
        declared = response.getheader("Content-Length")
        if (
            declared
            and declared.isascii()
            and declared.isdigit()
            and int(declared) > self.limits.max_bytes
        ):
            raise _too_large(self.limits.max_bytes)
        size = 0
        with destination.open("wb") as sink:
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > self.limits.max_bytes:
                    raise _too_large(self.limits.max_bytes)
                if time.monotonic() > deadline:
                    raise OriginFailure("ETIMEDOUT", "the origin took too long to send the file")
                sink.write(chunk)
        return Fetched(
            size,
            response.getheader("Content-Type"),
            response.getheader("ETag"),
            response.getheader("Last-Modified"),
        )


def _too_large(max_bytes: int) -> OriginFailure:
    return OriginFailure("ELIMIT", f"the origin file is larger than {max_bytes} bytes")


def _connection_failure(exc: BaseException) -> OriginFailure:
    if isinstance(exc, TimeoutError):
        return OriginFailure("ETIMEDOUT", "the origin did not answer in time")
    if isinstance(exc, ConnectionRefusedError):
        return OriginFailure("ECONNREFUSED", "the origin refused the connection")
    return OriginFailure("UNIDENTIFIED", f"the origin request failed: {type(exc).__name__}")
