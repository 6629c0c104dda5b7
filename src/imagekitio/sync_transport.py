"""The blocking transport: one pooled ``requests.Session``, timeouts and bounded retries."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from .errors import APIConnectionError, APITimeoutError, failed_attempt
from .multipart import MultipartBody
from .retry import Attempts, RetryPolicy
from .wire import ApiRequest, ApiResponse

Timeout = float | tuple[float, float] | None
DEFAULT_TIMEOUT = 60.0


class RequestsConnectionError(APIConnectionError, requests.ConnectionError):
    """Also a ``requests.ConnectionError``, which is what 4.x let through."""


class RequestsTimeoutError(APITimeoutError, requests.Timeout):
    """Also a ``requests.Timeout``."""


class _SizedStream:
    """An iterable body with a known ``len`` so requests sends Content-Length, not chunks."""

    def __init__(self, body: MultipartBody, length: int) -> None:
        self._body = body
        self._length = length

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def __len__(self) -> int:
        return self._length


def _requests_body(body: bytes | str | MultipartBody | None) -> Any:
    if not isinstance(body, MultipartBody):
        return body
    length = body.content_length()
    return iter(body) if length is None else _SizedStream(body, length)


class SyncTransport:
    """Sends an ``ApiRequest`` and returns the fully read ``ApiResponse``."""

    def __init__(
        self,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.session = session or requests.Session()
        self._sleep = sleep
        # Clients that are never closed still release their pooled sockets when collected.
        self._finalizer = weakref.finalize(self, self.session.close)

    def _attempt(self, request: ApiRequest) -> ApiResponse | APIConnectionError:
        try:
            response = self.session.request(
                request.method,
                request.url,
                params=list(request.params) or None,
                headers=dict(request.headers),
                data=_requests_body(request.body),
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            return failed_attempt(request, exc, RequestsTimeoutError)
        except requests.ConnectionError as exc:
            return failed_attempt(request, exc, RequestsConnectionError)
        return ApiResponse(
            response.status_code, CaseInsensitiveDict(response.headers), response.content
        )

    def send(self, request: ApiRequest) -> ApiResponse:
        attempts = Attempts(self.retry, request)
        while not isinstance(step := attempts.after(self._attempt(request)), ApiResponse):
            self._sleep(step)
        return step

    def close(self) -> None:
        self._finalizer()
