"""``GET /v1/metadata?url=`` answers only for URLs one of the account's URL endpoints serves:
the library (default endpoint) and endpoints with origins. Any other URL is a 400 and is never
fetched, even from a host the fetch guard allows."""

from __future__ import annotations

import secrets

from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.origins.conftest import api, create_endpoint, create_origin, write_file
from tests.server.origins.peers import WebFolder
from tests.server.uploads import assert_error, uploaded


def _metadata(server: LiveServer, url: str) -> tuple[int, dict[str, object]]:
    response = api(server, "GET", "/v1/metadata", params={"url": url})
    body: dict[str, object] = response.json()
    return response.status_code, body


def test_urls_of_the_account_endpoints_are_read(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    name = f"meta-{secrets.token_hex(4)}.png"
    write_file(folder.root, name, solid_image(24, 12, (0, 90, 200)))
    web = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "web", "baseUrl": folder.base_url}
    )
    prefix = create_endpoint(origin_server, [web["id"]])["urlPrefix"]
    status, found = _metadata(origin_server, f"{origin_server.url_endpoint}/{prefix}/tr:w-5/{name}")
    assert status == 200, found
    assert (found["width"], found["height"], found["format"]) == (24, 12, "png")
    stored = uploaded(
        origin_server, solid_image(7, 9, (1, 2, 3)), "lib.png", useUniqueFileName="false"
    )
    status, found = _metadata(origin_server, stored["url"])
    assert (status, found["width"], found["height"]) == (200, 7, 9)
    status, missing = _metadata(origin_server, f"{origin_server.url_endpoint}/{prefix}/none.png")
    assert status == 400 and "no such file" in str(missing["message"])


def test_other_urls_are_refused_and_never_fetched(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    name = f"elsewhere-{secrets.token_hex(4)}.png"
    write_file(folder.root, name, solid_image(5, 5, (9, 9, 9)))
    for url in (
        f"{folder.base_url}/{name}",  # a host the fetch guard allows
        f"http://10.0.0.1/{name}",
        f"{origin_server.base_url}/another-account/{name}",
    ):
        response = api(origin_server, "GET", "/v1/metadata", params={"url": url})
        error = assert_error(response, 400)
        assert "URL endpoints" in error["message"]
    assert folder.log.for_path(f"/{name}") == []
