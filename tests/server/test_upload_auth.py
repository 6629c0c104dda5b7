"""Authentication of the API: Basic with the private key, client-side upload signatures."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import assert_error, upload


def _signed_fields(server: LiveServer, *, expire: int | None = None) -> dict[str, str]:
    token = secrets.token_hex(8)
    expire_text = str(expire if expire is not None else int(time.time()) + 600)
    signature = hmac.new(
        server.private_key.encode(), (token + expire_text).encode(), hashlib.sha1
    ).hexdigest()
    return {
        "publicKey": server.public_key,
        "token": token,
        "expire": expire_text,
        "signature": signature,
    }


def test_missing_credentials_is_401_and_unknown_key_403(live_server: LiveServer) -> None:
    base = live_server.base_url
    assert_error(requests.get(f"{base}/v1/files", timeout=10), 401)
    assert_error(requests.get(f"{base}/v1/files", auth=("private_nope", ""), timeout=10), 403)
    assert_error(upload(live_server, solid_image(2, 2, (0, 0, 0)), "a.png", auth=False), 401)
    wrong = requests.post(
        f"{base}/api/v1/files/upload",
        files={"file": ("a.png", b"x"), "fileName": (None, "a.png")},
        auth=("private_nope", ""),
        timeout=10,
    )
    assert_error(wrong, 403)


def test_password_is_ignored(live_server: LiveServer) -> None:
    response = requests.get(
        f"{live_server.base_url}/v1/files", auth=(live_server.private_key, "do_not_set"), timeout=10
    )
    assert response.status_code == 200


def test_client_side_upload_with_signature_and_single_use_token(live_server: LiveServer) -> None:
    fields = _signed_fields(live_server)
    data = solid_image(6, 6, (5, 5, 5))
    response = upload(live_server, data, "client.png", auth=False, **fields)
    assert response.status_code == 200, response.text
    assert response.json()["width"] == 6
    replay = upload(live_server, data, "client.png", auth=False, **fields)
    assert "token" in assert_error(replay, 400)["message"].lower()


def test_client_side_upload_refusals(live_server: LiveServer) -> None:
    data = solid_image(2, 2, (0, 0, 0))
    bad_signature = {**_signed_fields(live_server), "signature": "0" * 40}
    assert_error(upload(live_server, data, "c.png", auth=False, **bad_signature), 400)
    expired = _signed_fields(live_server, expire=int(time.time()) - 5)
    assert_error(upload(live_server, data, "c.png", auth=False, **expired), 400)
    too_far = _signed_fields(live_server, expire=int(time.time()) + 7200)
    assert_error(upload(live_server, data, "c.png", auth=False, **too_far), 400)
    unknown = {**_signed_fields(live_server), "publicKey": "public_unknown"}
    assert_error(upload(live_server, data, "c.png", auth=False, **unknown), 403)
    both = upload(live_server, data, "c.png", auth=True, **_signed_fields(live_server))
    assert_error(both, 400)


def test_anonymous_upload_is_401_before_its_form_is_validated(live_server: LiveServer) -> None:
    url = f"{live_server.base_url}/api/v1/files/upload"
    no_file_name = requests.post(url, files={"file": ("a.png", b"x")}, timeout=10)
    assert_error(no_file_name, 401)
    bad_tags = requests.post(
        url,
        files={"file": ("a.png", b"x"), "fileName": (None, ""), "tags": (None, "[1]")},
        timeout=10,
    )
    assert_error(bad_tags, 401)
