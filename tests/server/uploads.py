"""Helpers to call the upload and files APIs of a live server with ``requests``."""

from __future__ import annotations

from typing import Any

import requests

from tests.fixtures.live_server import LiveServer

TIMEOUT = 30


def upload(
    server: LiveServer,
    data: bytes | str,
    file_name: str,
    *,
    auth: bool = True,
    as_file_part: bool = True,
    **fields: str,
) -> requests.Response:
    parts: dict[str, Any] = {"fileName": (None, file_name)}
    parts.update({name: (None, value) for name, value in fields.items()})
    if as_file_part and isinstance(data, bytes):
        parts["file"] = (file_name, data)
    else:
        parts["file"] = (None, data)
    return requests.post(
        f"{server.base_url}/api/v1/files/upload",
        files=parts,
        auth=server.auth if auth else None,
        timeout=TIMEOUT,
    )


def uploaded(server: LiveServer, data: bytes, file_name: str, **fields: str) -> dict[str, Any]:
    response = upload(server, data, file_name, **fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def api_get(server: LiveServer, route: str, /, **params: str) -> requests.Response:
    return requests.get(
        f"{server.base_url}{route}", params=params, auth=server.auth, timeout=TIMEOUT
    )


def assert_error(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["help"], str)
    return body
