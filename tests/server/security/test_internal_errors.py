"""Any unhandled exception in the API is a 500 in ImageKit's JSON shape (message and help),
never Starlette's plain-text "Internal Server Error"; the traceback still reaches the log."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imagekit_server.app import create_app
from imagekit_server.context import ServerContext, open_context
from imagekit_server.settings import Settings


@pytest.fixture
def context(tmp_path: Path) -> Iterator[ServerContext]:
    settings = Settings.from_env({}, data_dir=tmp_path / "data", imagekit_id="demo")
    context = open_context(settings)
    yield context
    context.close()


def _call(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    """One GET through the ASGI interface; the messages sent, even if the app raised after."""
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    with pytest.raises(RuntimeError, match="a bug"):  # re-raised for the server to log
        asyncio.run(app(scope, receive, send))
    return messages


def test_an_unhandled_exception_is_a_json_500(
    context: ServerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(context.settings, context)

    def broken(key: str) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(context.accounts, "by_private_key", broken)
    token = base64.b64encode(f"{context.default_account.private_key}:".encode())
    messages = _call(app, "/v1/files", [(b"authorization", b"Basic " + token)])
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    assert start["status"] == 500
    assert dict(start["headers"])[b"content-type"] == b"application/json"
    answer = json.loads(body)
    assert set(answer) == {"message", "help"}
    assert "a bug" not in answer["message"]  # nothing internal is shown
