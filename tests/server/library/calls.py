"""Calling the management API of a live server with ``requests`` (JSON bodies)."""

from __future__ import annotations

from typing import Any

import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import uploaded

TIMEOUT = 60


def call(
    server: LiveServer,
    method: str,
    route: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    **params: str,
) -> requests.Response:
    return requests.request(
        method,
        f"{server.base_url}{route}",
        json=body if raw is None else None,
        data=raw,
        params=params,
        auth=server.auth,
        timeout=TIMEOUT,
    )


def ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def new_image(
    server: LiveServer, name: str, folder: str = "/", colour: int = 10, **fields: str
) -> dict[str, Any]:
    """Upload a small PNG under exactly ``folder/name``."""
    data = solid_image(4, 3, (colour, colour, colour))
    return uploaded(server, data, name, folder=folder, useUniqueFileName="false", **fields)


def details(server: LiveServer, file_id: str) -> dict[str, Any]:
    body: dict[str, Any] = ok(call(server, "GET", f"/v1/files/{file_id}/details"))
    return body
