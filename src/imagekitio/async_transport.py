"""The asyncio/trio transport on ``httpx2`` (optional dependency, imported only here)."""

from __future__ import annotations

from typing import Any

from requests.structures import CaseInsensitiveDict

from .errors import APIConnectionError, APITimeoutError, failed_attempt
from .multipart import MultipartBody
from .retry import Attempts, RetryPolicy
from .sync_transport import DEFAULT_TIMEOUT, Timeout
from .wire import ApiRequest, ApiResponse

try:
    import anyio
    import httpx2
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "AsyncImageKit needs the optional dependency httpx2: "
        "pip install 'imagekit-selfhosted[async]'"
    ) from exc


def _httpx_timeout(timeout: Timeout) -> Any:
    if isinstance(timeout, tuple):
        connect, read = timeout
        return httpx2.Timeout(read, connect=connect)
    return httpx2.Timeout(timeout)


def _httpx_body(request: ApiRequest) -> tuple[Any, dict[str, str]]:
    headers = dict(request.headers)
    if isinstance(request.body, MultipartBody):
        # An async iterator streams the parts; the builder already set Content-Length if known.
        return request.body.__aiter__(), headers
    return request.body, headers


class AsyncTransport:
    """Sends an ``ApiRequest`` through one pooled ``httpx2.AsyncClient``."""

    def __init__(
        self,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        client: Any = None,
    ) -> None:
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.client = client or httpx2.AsyncClient(
            timeout=_httpx_timeout(timeout), follow_redirects=True
        )

    async def _attempt(self, request: ApiRequest) -> ApiResponse | APIConnectionError:
        content, headers = _httpx_body(request)
        try:
            response = await self.client.request(
                request.method,
                request.url,
                params=list(request.params) or None,
                headers=headers,
                content=content,
            )
        except httpx2.TimeoutException as exc:
            return failed_attempt(request, exc, APITimeoutError)
        except httpx2.TransportError as exc:
            return failed_attempt(request, exc, APIConnectionError)
        return ApiResponse(
            response.status_code, CaseInsensitiveDict(response.headers.items()), response.content
        )

    async def send(self, request: ApiRequest) -> ApiResponse:
        attempts = Attempts(self.retry, request)
        while not isinstance(step := attempts.after(await self._attempt(request)), ApiResponse):
            await anyio.sleep(step)
        return step

    async def aclose(self) -> None:
        await self.client.aclose()
