"""Malformed credentials (issue 11, items 7 and 8): a Basic header of non-ASCII bytes, bad
base64 or no colon is a 401; a client-side upload whose signature, token or expire holds
non-ASCII text is a 4xx; all in ImageKit's shape, never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.security.answers import TIMEOUT, assert_client_error, assert_healthy


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data)


BAD_AUTHORIZATIONS = [
    b"Basic \xff\xfe\xfd",
    b"Basic \xc3\xa9\xc3\xa9==",
    b"Basic " + _b64("é:".encode("latin-1")),  # not UTF-8 once decoded
    b"Basic !!!not-base64!!!",
    b"Basic YWJj",  # "abc": no colon
    b"Basic " + _b64(b":"),  # empty user name
    b"Basic " + _b64(b"\x00\x01:"),  # control characters
    b"Basic",
    b"Bearer \xff",
]


@pytest.mark.parametrize("authorization", BAD_AUTHORIZATIONS)
@pytest.mark.parametrize("route", ["/v1/files", "/v1/accounts/usage"])
def test_malformed_basic_auth_is_401(
    live_server: LiveServer, authorization: bytes, route: str
) -> None:
    response = requests.get(
        f"{live_server.base_url}{route}",
        headers={"Authorization": authorization},  # type: ignore[dict-item]
        timeout=TIMEOUT,
    )
    assert_client_error(response, 401)


def test_malformed_basic_auth_on_upload_is_401(live_server: LiveServer) -> None:
    response = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        headers={"Authorization": b"Basic \xff\xfe"},  # type: ignore[dict-item]
        files={"file": ("a.txt", b"hi"), "fileName": (None, "a.txt")},
        timeout=TIMEOUT,
    )
    assert_client_error(response, 401)
    assert_healthy(live_server)


def _client_fields(server: LiveServer, **overrides: str) -> dict[str, tuple[None, bytes]]:
    token = overrides.get("token", f"token-{time.time_ns()}")
    expire = overrides.get("expire", str(int(time.time()) + 600))
    signature = hmac.new(
        server.private_key.encode(), (token + expire).encode(), hashlib.sha1
    ).hexdigest()
    values = {
        "publicKey": server.public_key,
        "token": token,
        "expire": expire,
        "signature": overrides.get("signature", signature),
        "fileName": "client.txt",
    }
    return {name: (None, value.encode()) for name, value in values.items()}


@pytest.mark.parametrize(
    "overrides",
    [
        {"signature": "é" * 40},
        {"signature": "\u0100" * 40},
        {"signature": "写" * 40},
        {"token": "t" * 300},
        {"expire": "١٢٣٤٥٦٧٨٩٠"},  # Arabic-Indic digits: int() would accept them
        {"expire": "9" * 5000},
    ],
)
def test_non_ascii_client_credentials_are_4xx(
    live_server: LiveServer, overrides: dict[str, str]
) -> None:
    parts = {"file": ("client.txt", b"hello"), **_client_fields(live_server, **overrides)}
    response = requests.post(
        f"{live_server.base_url}/api/v1/files/upload", files=parts, timeout=TIMEOUT
    )
    assert_client_error(response, 400)
    assert_healthy(live_server)


def test_a_valid_non_ascii_token_still_uploads(live_server: LiveServer) -> None:
    fields = _client_fields(live_server, token=f"jeton-é-{time.time_ns()}")
    response = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        files={"file": ("client.txt", b"hello"), **fields},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "token",
    [
        "eyJhbGciOiJIUzI1NiJ9.e30.é",
        "é.é.é",
        "eyJhbGciOiJIUzI1NiJ9." + "W" * 1000 + ".x",
        ".".join(["W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tb"] * 3),
    ],
)
def test_malformed_v2_tokens_are_4xx(live_server: LiveServer, token: str) -> None:
    response = requests.post(
        f"{live_server.base_url}/api/v2/files/upload",
        files={
            "file": ("a.txt", b"hi"),
            "fileName": (None, "a.txt"),
            "token": (None, token.encode()),
        },
        timeout=TIMEOUT,
    )
    assert 400 <= response.status_code < 500, response.text
    assert_client_error(response, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        "ik-s=" + "%C3%A9" * 40,
        "ik-s=" + "%00" * 40,
        "ik-s=" + "a" * 40 + "&ik-t=%D9%A1%D9%A2",  # Arabic-Indic digits
        "ik-s=" + "a" * 40 + "&ik-t=" + "9" * 5000,
        "ik-s=" + "%FF" * 40,
    ],
)
def test_malformed_delivery_signatures_are_401(live_server: LiveServer, query: str) -> None:
    parts = {"file": ("private.txt", b"secret"), "fileName": (None, "private.txt")}
    parts["isPrivateFile"] = (None, "true")
    stored = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        files=parts,
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert stored.status_code == 200, stored.text
    response = requests.get(f"{stored.json()['url']}?{query}", timeout=TIMEOUT)
    assert response.status_code == 401
    assert response.headers["ik-error"].isascii()
    assert_healthy(live_server)
