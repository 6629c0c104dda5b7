"""The console calls the server's own HTTP API in-process, as the SDK would over the network.

One ASGI call per request, authenticated with the session account's private key (which thus
stays on the server). The console therefore gets the API's validation, errors and side effects
(jobs, webhooks, purges) unchanged.
"""

from __future__ import annotations

import base64
import json
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
        body = b"" if json_body is None else json.dumps(json_body).encode()
        headers = [(b"host", b"console.internal"), (b"authorization", self._authorization)]
        if json_body is not None:
            headers.append((b"content-type", b"application/json"))
            headers.append((b"content-length", str(len(body)).encode()))
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
        sent = False
        status = 500
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self._app(scope, receive, send)
        raw = b"".join(chunks)
        try:
            decoded = json.loads(raw) if raw else None
        except ValueError:
            decoded = None
        return ApiResult(status, decoded)

    async def get(self, path: str, **params: str) -> ApiResult:
        return await self.call("GET", path, params=params)
