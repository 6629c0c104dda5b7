"""Files from origins negotiate the output format from the request's Accept header, exactly as
media library files do (both go through ``delivery.transformed.respond_with_variant``)."""

from __future__ import annotations

import secrets

import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, two_colour_png
from tests.server.origins.conftest import TIMEOUT, create_endpoint, create_origin, write_file
from tests.server.origins.peers import WebFolder


def test_origin_files_negotiate_webp_from_accept(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    name = f"{secrets.token_hex(4)}.png"
    write_file(folder.root, f"negotiate/{name}", two_colour_png(80, 40))
    web = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url}
    )
    prefix = create_endpoint(origin_server, [web["id"]])["urlPrefix"]
    url = f"{origin_server.url_endpoint}/{prefix}/tr:w-40,f-auto/negotiate/{name}"

    webp = requests.get(url, headers={"Accept": "image/webp,*/*"}, timeout=TIMEOUT)
    plain = requests.get(url, headers={"Accept": "image/png,*/*;q=0.8"}, timeout=TIMEOUT)

    assert webp.status_code == 200 and plain.status_code == 200
    assert webp.headers["content-type"] == "image/webp"
    assert plain.headers["content-type"] != "image/webp"
    for response in (webp, plain):
        assert "Accept" in response.headers["vary"]
        assert decode(response.content).width == 40
