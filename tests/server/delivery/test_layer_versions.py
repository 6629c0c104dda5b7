"""A variant with image layers follows the versions of its layer files: a new version, a
deletion or a late upload of a layer file renders the composite anew, in memory and in the
derived blobs; chains without layers are cached as before."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
import requests

from imagekit_server.renditions.chain import Chain, parsed_chain
from imagekit_server.renditions.named_lookup import expanded_chain
from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.eventually import eventually
from tests.server.media import decode, pixel, solid_image
from tests.server.uploads import uploaded

TIMEOUT = 30
RED, BLUE, GREY = (255, 0, 0), (0, 0, 255), (128, 128, 128)


def _chain(text: str) -> Chain:
    chain = parsed_chain(text)
    assert isinstance(chain, Chain), chain
    return chain


def test_layer_files_cover_nested_layers_conditions_and_fonts() -> None:
    text = (
        "w-300,l-image,i-logos@@a.png,l-image,i-b.png,l-end,l-end"
        ":if-w_gt_100,l-image,i-c.png,l-end,if-else,l-image,i-ik_canvas,l-end,if-end"
        ":l-text,i-hello,ff-fonts@@brand.ttf,l-end:l-image,i-b.png,w-10,l-end"
    )
    assert _chain(text).layer_files == ("/logos/a.png", "/b.png", "/c.png", "/fonts/brand.ttf")
    assert _chain("w-300,h-200:l-text,i-hi,ff-Roboto,l-end").layer_files == ()


def test_layer_files_of_expanded_named_transformations() -> None:
    named = _chain("w-100:n-stamp")
    assert named.layer_files == ()  # unknown until the name is expanded
    expanded = expanded_chain((named.plan.text, (("stamp", "l-image,i-x@@y.png,l-end"),)))
    assert isinstance(expanded, Chain) and expanded.layer_files == ("/x/y.png",)


def _get(url: str) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT)


def _near(rgb: list[float], expected: tuple[int, int, int]) -> bool:
    return all(abs(got - want) <= 8 for got, want in zip(rgb, expected, strict=False))


def _centre_and_corner(response: requests.Response) -> tuple[list[float], list[float]]:
    assert response.status_code == 200, response.headers.get("ik-error")
    image = decode(response.content)
    assert (image.width, image.height) == (200, 100)
    return pixel(response.content, 100, 50), pixel(response.content, 2, 2)


class Files:
    """A grey base image and a square layer file in a folder of a live server."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.tag = secrets.token_hex(4)
        self.base = uploaded(server, solid_image(200, 100, GREY), f"{self.tag}-base.png")
        self.layer_name = f"{self.tag}-layer.png"
        self.layer = self.put_layer(RED)

    def put_layer(self, colour: tuple[int, int, int]) -> dict[str, Any]:
        """Upload the layer file, or a new version of it (same name, no unique suffix)."""
        return uploaded(
            self.server,
            solid_image(40, 40, colour),
            self.layer_name,
            folder="/layers",
            useUniqueFileName="false",
        )

    def url(self, chain: str | None = None) -> str:
        chain = chain or f"l-image,i-layers@@{self.layer_name},w-50,l-end,f-png"
        return f"{self.server.url_endpoint}/tr:{chain}{self.base['filePath']}"

    def derived_blobs(self) -> list[Path]:
        server = self.server
        folder = server.data_dir / "blobs" / "derived" / server.imagekit_id / self.base["fileId"]
        return sorted(folder.iterdir()) if folder.exists() else []


def test_new_layer_version_renders_the_composite_anew(live_server: LiveServer) -> None:
    files = Files(live_server)
    first = _get(files.url())
    centre, corner = _centre_and_corner(first)
    assert _near(centre, RED) and _near(corner, GREY)
    again = _get(files.url())
    assert "age" in again.headers, "an unchanged layer file must hit the memory cache"
    assert again.content == first.content
    files.put_layer(BLUE)
    after = _get(files.url())
    centre, corner = _centre_and_corner(after)
    assert _near(centre, BLUE), "the layer file's new version must show at once"
    assert _near(corner, GREY) and after.headers["etag"] != first.headers["etag"]
    assert eventually(lambda: len(files.derived_blobs()) == 2)  # one blob per layer version


def test_a_fresh_process_does_not_serve_the_old_layer_from_derived_blobs(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()
    files = Files(server)
    centre, _ = _centre_and_corner(_get(files.url()))
    assert _near(centre, RED) and eventually(lambda: len(files.derived_blobs()) == 1)
    files.put_layer(BLUE)
    server.restart()  # no memory cache: only the derived blob of the red composite is left
    after = _get(files.url())
    centre, _ = _centre_and_corner(after)
    assert _near(centre, BLUE), "a derived blob of the old layer version was served"
    assert "age" not in after.headers and eventually(lambda: len(files.derived_blobs()) == 2)


def test_deleted_then_uploaded_layer_file(live_server: LiveServer) -> None:
    files = Files(live_server)
    assert _near(_centre_and_corner(_get(files.url()))[0], RED)
    deleted = requests.delete(
        f"{live_server.base_url}/v1/files/{files.layer['fileId']}",
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert deleted.status_code == 204, deleted.text
    missing = _get(files.url())
    assert missing.status_code == 404, "a composite of a deleted layer file was served"
    assert "layer image" in missing.headers["ik-error"]
    files.put_layer(BLUE)
    assert _near(_centre_and_corner(_get(files.url()))[0], BLUE)


def test_named_transformation_with_a_layer_follows_its_versions(live_server: LiveServer) -> None:
    files = Files(live_server)
    name = f"stamp{files.tag}"
    created = requests.post(
        f"{live_server.base_url}/v1/x/named-transformations",
        json={"name": name, "transformation": f"l-image,i-layers@@{files.layer_name},l-end"},
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert created.status_code == 201, created.text
    url = files.url(f"n-{name}:f-png")
    assert _near(_centre_and_corner(_get(url))[0], RED)
    files.put_layer(BLUE)
    assert _near(_centre_and_corner(_get(url))[0], BLUE)


@pytest.mark.parametrize("chain", ["w-200,f-png", "w-200,l-text,i-hi,l-end,f-png"])
def test_chains_without_layer_files_still_hit_the_caches(
    live_server: LiveServer, chain: str
) -> None:
    files = Files(live_server)
    first = _get(files.url(chain))
    assert first.status_code == 200 and "age" not in first.headers
    blobs = eventually(files.derived_blobs)
    assert len(blobs) == 1
    second = _get(files.url(chain))
    assert "age" in second.headers and second.content == first.content
    assert files.derived_blobs() == blobs
