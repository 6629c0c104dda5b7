"""The console calls the server's own HTTP API in-process, as the SDK would over the network.

One ASGI call per request, authenticated with the session account's private key (which thus
stays on the server). The console therefore gets the API's validation, errors and side effects
(jobs, webhooks, purges, upload limits) unchanged.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.types import ASGIApp, Message

from imagekit_server.accounts import Account


@dataclass(frozen=True)
class ApiResult:
    status: int
    body: Any  # decoded JSON, or None for an empty body

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        if isinstance(self.body, dict):
            return str(self.body.get("message") or f"HTTP {self.status}")
        return f"HTTP {self.status}"


async def _one_piece(body: bytes) -> AsyncIterator[bytes]:
    yield body


class InternalApi:
    def __init__(self, app: ASGIApp, account: Account) -> None:
        self._app = app
        credentials = base64.b64encode(f"{account.private_key}:".encode()).decode()
        self._authorization = f"Basic {credentials}".encode()

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> ApiResult:
        if json_body is None:
            return await self._send(method, path, params, None, _one_piece(b""))
        body = json.dumps(json_body).encode()
        return await self._send(method, path, params, "application/json", _one_piece(body))

    async def get(self, path: str, **params: str) -> ApiResult:
        return await self.call("GET", path, params=params)

    async def upload_file(
        self, fields: dict[str, str], file_name: str, chunks: AsyncIterator[bytes]
    ) -> ApiResult:
        """``POST /api/v1/files/upload`` with a multipart body streamed from ``chunks``."""
        boundary = secrets.token_hex(16)
        head = b"".join(_form_part(boundary, name, value) for name, value in fields.items())
        quoted = "".join(" " if char in '"\r\n' else char for char in file_name)
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        async def body() -> AsyncIterator[bytes]:
            yield head
            async for chunk in chunks:
                yield chunk
            yield tail

        content_type = f"multipart/form-data; boundary={boundary}"
        return await self._send("POST", "/api/v1/files/upload", None, content_type, body())

    async def _send(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        content_type: str | None,
        body: AsyncIterator[bytes],
    ) -> ApiResult:
        """One request; its body is passed on piece by piece (never held whole)."""
        headers = [(b"host", b"console.internal"), (b"authorization", self._authorization)]
        if content_type is not None:
            headers.append((b"content-type", content_type.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": urlencode(params or {}).encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 0),
            "server": ("console.internal", 80),
        }
        status = 500
        answer: list[bytes] = []
        pieces = body.__aiter__()
        finished = False

        async def receive() -> Message:
            nonlocal finished
            if finished:
                return {"type": "http.disconnect"}
            try:
                piece = await pieces.__anext__()
            except StopAsyncIteration:
                finished = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": piece, "more_body": True}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                answer.append(message.get("body", b""))

        await self._app(scope, receive, send)
        raw = b"".join(answer)
        try:
            decoded = json.loads(raw) if raw else None
        except ValueError:
            decoded = None
        return ApiResult(status, decoded)


def _form_part(boundary: str, name: str, value: str) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()
