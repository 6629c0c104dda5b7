"""Hostile SVGs against the real server (issue 11): a small document of nested ``<use>``
elements used to keep a libvips thread busy forever from a client-side token upload. Uploads
now read SVGs as XML; with SVG rendering on, documents are checked before rendering and
rendered in a child process killed at the render timeout."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import LAUGHS, decode, nested_uses, pixel
from tests.server.uploads import upload, uploaded

TIMEOUT = 30
PLAIN = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<rect width="40" height="20" fill="red"/></svg>'
)


# 4,688 elements (under the default 20,000): passes the check, still seconds of rendering.
SLOW = nested_uses(4, 10, 3000)


def _token_fields(server: LiveServer) -> dict[str, str]:
    token, expire = secrets.token_hex(8), str(int(time.time()) + 600)
    message = (token + expire).encode()
    signature = hmac.new(server.private_key.encode(), message, hashlib.sha1).hexdigest()
    return {
        "publicKey": server.public_key,
        "token": token,
        "expire": expire,
        "signature": signature,
    }


def _healthy(server: LiveServer) -> None:
    assert server.process is not None and server.process.poll() is None, server.log()[-2000:]
    assert requests.get(f"{server.base_url}/healthz", timeout=5).status_code == 200


def test_a_use_bomb_uploads_at_once_and_is_never_rendered(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()
    started = time.monotonic()
    response = upload(server, LAUGHS, "laughs.svg", auth=False, **_token_fields(server))
    assert response.status_code == 200, response.text
    assert time.monotonic() - started < 5
    body = response.json()
    assert (body["fileType"], body["width"], body["height"]) == ("image", 1000, 1000)

    started = time.monotonic()
    metadata = requests.get(
        f"{server.base_url}/v1/files/{body['fileId']}/metadata", auth=server.auth, timeout=TIMEOUT
    )
    assert metadata.status_code == 200, metadata.text
    assert (metadata.json()["width"], metadata.json()["format"]) == (1000, "svg")
    original = requests.get(f"{server.url_endpoint}{body['filePath']}", timeout=TIMEOUT)
    assert original.status_code == 200 and original.content == LAUGHS
    refused = requests.get(f"{server.url_endpoint}/tr:w-100{body['filePath']}", timeout=TIMEOUT)
    assert refused.status_code == 400
    assert refused.headers["ik-error"].startswith("EUNSUPPORTED - ")
    assert time.monotonic() - started < 5
    _healthy(server)


def test_with_svg_on_renders_are_bounded_and_ordinary_svgs_still_render(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={"IMAGEKIT_ALLOW_SVG": "true", "IMAGEKIT_RENDER_TIMEOUT": "2"})
    laughs = uploaded(server, LAUGHS, "laughs.svg")
    slow = uploaded(server, SLOW, "slow.svg")
    plain = uploaded(server, PLAIN, "plain.svg")

    started = time.monotonic()
    bomb = requests.get(f"{server.url_endpoint}/tr:w-100,f-png{laughs['filePath']}", timeout=30)
    assert bomb.status_code == 400
    assert bomb.headers["ik-error"].startswith("ELIMIT - the SVG draws more than 20000")
    assert time.monotonic() - started < 2

    started = time.monotonic()
    # At its own size (a small target would be rasterised small, and quickly).
    too_slow = requests.get(f"{server.url_endpoint}/tr:f-png{slow['filePath']}", timeout=30)
    assert too_slow.status_code == 400
    assert too_slow.headers["ik-error"].startswith("ELIMIT - rendering the SVG took longer")
    assert time.monotonic() - started < 6

    rendered = requests.get(f"{server.url_endpoint}/tr:w-20,f-png{plain['filePath']}", timeout=30)
    assert rendered.status_code == 200, rendered.headers.get("ik-error")
    assert (decode(rendered.content).width, decode(rendered.content).height) == (20, 10)
    assert pixel(rendered.content, 10, 5)[:3] == [255, 0, 0]
    _healthy(server)
