"""``POST /api/v2/files/upload``: the V1 form, client-side uploads authorised by an HS256 JWT."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pyvips
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import assert_error


def _segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(header: dict[str, Any], payload: dict[str, Any], key: str) -> str:
    signed = f"{_segment(json.dumps(header).encode())}.{_segment(json.dumps(payload).encode())}"
    signature = hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{_segment(signature)}"


def _token(
    server: LiveServer, fields: dict[str, str], *, lifetime: int = 600, **claims: Any
) -> str:
    issued = int(time.time())
    payload = {**fields, "iat": issued, "exp": issued + lifetime, **claims}
    header = {"alg": "HS256", "typ": "JWT", "kid": server.public_key}
    return _jwt(header, payload, server.private_key)


def _upload_v2(
    server: LiveServer, data: bytes, fields: dict[str, str], *, auth: bool = False
) -> requests.Response:
    parts: dict[str, Any] = {name: (None, value) for name, value in fields.items()}
    parts["file"] = ("a.png", data)
    return requests.post(
        f"{server.base_url}/api/v2/files/upload",
        files=parts,
        auth=server.auth if auth else None,
        timeout=30,
    )


def test_client_side_upload_with_a_jwt(live_server: LiveServer) -> None:
    fields = {
        "fileName": "jwt.png",
        "folder": "/v2",
        "tags": "a,b",
        "useUniqueFileName": "false",
        "responseFields": "tags",
    }
    response = _upload_v2(
        live_server,
        solid_image(6, 4, (200, 10, 10)),
        {**fields, "token": _token(live_server, fields)},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["filePath"], body["tags"]) == ("jwt.png", "/v2/jwt.png", ["a", "b"])
    delivered = requests.get(body["url"], timeout=30)
    image = pyvips.Image.new_from_buffer(delivered.content, "")
    assert (image.width, image.height) == (6, 4)
    assert [round(v) for v in image.getpoint(3, 2)[:3]] == [200, 10, 10]


def test_private_key_upload_works_on_v2(live_server: LiveServer) -> None:
    response = _upload_v2(
        live_server, solid_image(3, 3, (0, 0, 0)), {"fileName": "basic.png"}, auth=True
    )
    assert response.status_code == 200, response.text
    assert response.json()["width"] == 3


def test_a_jwt_is_usable_once(live_server: LiveServer) -> None:
    fields = {"fileName": "once.png"}
    sent = {**fields, "token": _token(live_server, fields)}
    data = solid_image(2, 2, (0, 0, 0))
    assert _upload_v2(live_server, data, sent).status_code == 200
    assert "token" in assert_error(_upload_v2(live_server, data, sent), 400)["message"]


def test_jwt_refusals(live_server: LiveServer) -> None:
    data = solid_image(2, 2, (0, 0, 0))
    fields = {"fileName": "r.png", "folder": "/safe"}

    tampered = {**fields, "folder": "/elsewhere", "token": _token(live_server, fields)}
    assert "folder" in assert_error(_upload_v2(live_server, data, tampered), 400)["message"]
    unsigned_extra = {**fields, "tags": "x", "token": _token(live_server, fields)}
    assert "tags" in assert_error(_upload_v2(live_server, data, unsigned_extra), 400)["message"]
    too_long = {**fields, "token": _token(live_server, fields, lifetime=3601)}
    assert_error(_upload_v2(live_server, data, too_long), 400)
    expired = {**fields, "token": _token(live_server, fields, iat=0, exp=int(time.time()) - 5)}
    assert_error(_upload_v2(live_server, data, expired), 400)
    forged = _jwt(
        {"alg": "HS256", "kid": live_server.public_key},
        {**fields, "iat": int(time.time()), "exp": int(time.time()) + 60},
        "not the private key",
    )
    assert_error(_upload_v2(live_server, data, {**fields, "token": forged}), 400)
    unsigned = _jwt({"alg": "none", "kid": live_server.public_key}, fields, "")
    assert_error(_upload_v2(live_server, data, {**fields, "token": unsigned}), 400)
    unknown_kid = _jwt(
        {"alg": "HS256", "kid": "public_unknown"},
        {**fields, "iat": int(time.time()), "exp": int(time.time()) + 60},
        live_server.private_key,
    )
    assert_error(_upload_v2(live_server, data, {**fields, "token": unknown_kid}), 403)
    assert_error(_upload_v2(live_server, data, {**fields, "token": "not-a-jwt"}), 400)
    both = {**fields, "token": _token(live_server, fields)}
    assert_error(_upload_v2(live_server, data, both, auth=True), 400)


def test_anonymous_v2_upload_is_401(live_server: LiveServer) -> None:
    assert_error(_upload_v2(live_server, b"x", {}), 401)
