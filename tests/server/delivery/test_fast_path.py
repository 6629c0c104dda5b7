"""The delivery fast path in front of FastAPI: known accounts' GET/HEAD requests skip the API
stack; API requests never cost an account lookup; a bug in delivery is a logged 500 in
delivery's error shape, counted nowhere."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imagekit_server.accounts import is_valid_account_id
from imagekit_server.app import create_app
from imagekit_server.context import ServerContext, open_context
from imagekit_server.delivery import fast_path
from imagekit_server.observability.usage import bandwidth_counter
from imagekit_server.settings import Settings


@pytest.fixture
def context(tmp_path: Path) -> Iterator[ServerContext]:
    settings = Settings.from_env({}, data_dir=tmp_path / "data", imagekit_id="demo")
    context = open_context(settings)
    yield context
    context.close()


def _call(
    app: Any, method: str, path: str, without: tuple[str, ...] = ()
) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request through the ASGI interface, as the HTTP server (cli/http_server.py) makes
    it, less the ``without`` keys (ASGI lets a server leave ``raw_path`` and ``client`` out)."""
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    for key in without:
        del scope[key]
    asyncio.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


def test_api_requests_skip_the_account_lookup(
    context: ServerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(context.settings, context)
    looked_up: list[str] = []
    real = context.accounts.by_id
    monkeypatch.setattr(context.accounts, "by_id", lambda i: looked_up.append(i) or real(i))
    status, _, _ = _call(app, "GET", "/healthz")
    assert status == 200
    status, _, _ = _call(app, "GET", "/v1/files")
    assert status in {401, 403}  # the API answered (no key given)
    assert looked_up == []
    status, _, _ = _call(app, "GET", "/demo/missing.jpg")
    assert status == 404 and set(looked_up) == {"demo"}  # the directory's first load
    looked_up.clear()
    status, _, _ = _call(app, "GET", "/demo/missing.jpg")
    assert status == 404 and looked_up == []  # then a known account: no lookup


def test_a_reserved_id_is_never_taken_for_a_known_account(context: ServerContext) -> None:
    """An account named before its name became an API path (here, made by hand) does not
    take that path from the API."""
    from imagekit_server.db.engine import write_transaction
    from imagekit_server.db.tables import accounts

    with write_transaction(context.engine) as conn:
        row = conn.execute(accounts.select().where(accounts.c.id == "demo")).mappings().one()
        conn.execute(
            accounts.insert().values(
                {**row, "id": "v1", "private_key": "p_v1", "public_key": "pub_v1"}
            )
        )
    context.accounts.by_id("v1")  # a reload, which sees it
    assert context.accounts.known("v1") is None
    app = create_app(context.settings, context)
    status, headers, _ = _call(app, "GET", "/v1/files")
    assert status in {401, 403} and b"ik-error" not in headers  # the API answered


def test_no_api_path_can_be_taken_for_an_account(context: ServerContext) -> None:
    app = create_app(context.settings, context)
    routes = [getattr(route, "path", "") for route in app.routes]
    paths = [*app.openapi()["paths"], *routes, "/docs", "/openapi.json", "/readyz", "/metrics"]
    assert len(paths) > 40
    for path in paths:
        first = path.lstrip("/").split("/", 1)[0]
        assert not is_valid_account_id(first), path


def test_a_bug_in_delivery_is_a_logged_500(
    context: ServerContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(context.settings, context)

    async def broken(request: Any, account: Any = None, context: Any = None) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(fast_path, "deliver", broken)
    status, headers, body = _call(app, "GET", "/demo/photo.jpg")
    assert status == 500
    assert headers[b"ik-error"].startswith(b"EINTERNAL")
    assert headers[b"cache-control"] == b"no-store"
    assert body == b"Internal Server Error"
    assert "a bug" in caplog.text
    assert bandwidth_counter(context).drain() == {}


@pytest.mark.parametrize("without", [(), ("raw_path",), ("client",), ("raw_path", "client")])
def test_the_access_line_of_a_delivery_request(
    context: ServerContext, capfd: pytest.CaptureFixture[str], without: tuple[str, ...]
) -> None:
    """The fast path reads what was asked from the scope; a server that leaves out the
    optional keys still gets a whole line (the path from ``path``, client "-")."""
    app = create_app(context.settings, context)
    status, headers, _ = _call(app, "GET", "/demo/missing.jpg", without)
    assert status == 404
    app.observer.flush()
    line = capfd.readouterr().err.strip().splitlines()[-1]
    client = "-" if "client" in without else "127.0.0.1"
    assert f"[{headers[b'x-request-id'].decode()}]" in line
    assert line.endswith(f"GET /demo/missing.jpg 404 9B cache=- account=demo client={client}")
