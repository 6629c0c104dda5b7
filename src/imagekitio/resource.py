"""``ImageKitRequest``: the client's settings and its connection to the API (4.x name)."""

from __future__ import annotations

from typing import Any, TypeVar

import requests

from .constants.defaults import Default
from .constants.errors import ERRORS
from .request_context import RequestContext
from .retry import RetryPolicy
from .sync_transport import DEFAULT_TIMEOUT, SyncTransport, Timeout
from .wire import Operation

ResultT = TypeVar("ResultT")


class ImageKitRequest:
    """Keys, URL settings and the HTTP transport shared by ``File`` and ``Url``."""

    def __init__(
        self,
        private_key: str | None,
        public_key: str | None,
        url_endpoint: str | None,
        transformation_position: str | None = None,
        options: dict[str, Any] | None = None,
        *,
        api_base_url: str | None = None,
        upload_base_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
    ) -> None:
        if not (private_key and public_key and url_endpoint):
            raise ValueError(ERRORS.MANDATORY_INITIALIZATION_MISSING.value)
        self.private_key: str = private_key
        self.public_key: str = public_key
        self.url_endpoint: str = url_endpoint
        self.transformation_position: str = (
            transformation_position or Default.DEFAULT_TRANSFORMATION_POSITION.value
        )
        self.options: dict[str, Any] = options or {}
        self.context = RequestContext.create(private_key, api_base_url, upload_base_url)
        self.timeout = timeout
        self.retry = RetryPolicy(max_retries=max_retries)
        self._transport: SyncTransport | None = None

    @property
    def transport(self) -> SyncTransport:
        """The blocking transport, created on first use (the async client never needs it)."""
        if self._transport is None:
            self._transport = SyncTransport(timeout=self.timeout, retry=self.retry)
        return self._transport

    def send(self, operation: Operation[ResultT]) -> ResultT:
        """Send the operation's request (with retries) and decode the response."""
        return operation.decode(self.transport.send(operation.request))

    def create_headers(self) -> dict[str, str]:
        return self.context.headers()

    def get_auth_headers(self) -> dict[str, str]:
        return self.context.auth_headers()

    def request(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        params: Any = None,
        files: Any = None,
        data: Any = None,
    ) -> requests.Response:
        """A raw request through the client's session (kept for 4.x callers)."""
        return self.transport.session.request(
            method=method,
            url=url,
            params=params,
            files=files,
            data=data,
            headers=headers,
            timeout=self.transport.timeout,
        )

    def extend_url_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """``options`` on top of the client defaults and the keys, as ``Url`` expects."""
        keys = {
            "public_key": self.public_key,
            "private_key": self.private_key,
            "url_endpoint": self.url_endpoint,
            "transformation_position": self.transformation_position,
        }
        return {**self.options, **keys, **options}

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
