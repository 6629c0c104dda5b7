"""What every hostile request must get: a 4xx in ImageKit's JSON shape, quickly, from a server
that stays healthy."""

from __future__ import annotations

from typing import Any

import requests

from tests.fixtures.live_server import LiveServer

TIMEOUT = 30  # seconds: a bounded answer, far below a hang


def assert_client_error(response: requests.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["help"], str) and body["help"]
    return body


def assert_healthy(server: LiveServer) -> None:
    response = requests.get(f"{server.base_url}/healthz", timeout=TIMEOUT)
    assert response.status_code == 200
    assert server.process is not None and server.process.poll() is None


def api(
    server: LiveServer, method: str, route: str, *, auth: bool = True, **kwargs: Any
) -> requests.Response:
    return requests.request(
        method,
        f"{server.base_url}{route}",
        auth=server.auth if auth else None,
        timeout=TIMEOUT,
        **kwargs,
    )
