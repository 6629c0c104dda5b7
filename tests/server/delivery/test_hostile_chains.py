"""Long transformation chains against the real server: a chain past the limits is refused with
400 ELIMIT at once, and a deep chain within them renders instead of overflowing libvips' stack
(a segmentation fault that took the whole process down before, issue 11)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import decode, pixel, solid_image
from tests.server.uploads import uploaded

TIMEOUT = 60
# Deep enough to have crashed the server, still allowed here (the default allows 50 steps).
DEEP_STEPS = 400
LIMIT_ENV = {
    "IMAGEKIT_MAX_CHAIN_STEPS": "450",
    "IMAGEKIT_MAX_EFFECTS": "1000",
    "IMAGEKIT_MAX_RENDER_COST": "1000000",
}


@pytest.fixture(scope="module")
def deep_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("imagekit-data"), dict(LIMIT_ENV))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def photo(deep_server: LiveServer) -> dict[str, Any]:
    name = f"{secrets.token_hex(4)}-flat.png"
    return uploaded(deep_server, solid_image(48, 32, (200, 100, 50)), name)


def _healthy(server: LiveServer) -> None:
    assert server.process is not None and server.process.poll() is None, server.log()[-2000:]
    assert requests.get(f"{server.base_url}/healthz", timeout=5).status_code == 200


def _chain_url(server: LiveServer, step: str, count: int, path: str) -> str:
    return f"{server.url_endpoint}/tr:{':'.join([step] * count)}{path}"


def test_a_deep_chain_within_the_limits_renders(
    deep_server: LiveServer, photo: dict[str, Any]
) -> None:
    response = requests.get(
        _chain_url(deep_server, "bl-100", DEEP_STEPS, photo["filePath"]), timeout=TIMEOUT
    )
    assert response.status_code == 200, response.headers.get("ik-error")
    image = decode(response.content)
    assert (image.width, image.height) == (48, 32)
    # Blurring a flat colour leaves it flat: the chain really ran to the end.
    red, green, blue = pixel(response.content, 24, 16)[:3]
    assert abs(red - 200) <= 3 and abs(green - 100) <= 3 and abs(blue - 50) <= 3
    _healthy(deep_server)


@pytest.mark.parametrize("step", ["bl-100", "e-sharpen", "e-sharpen,e-grayscale"])
def test_a_chain_past_the_step_limit_is_refused_at_once(
    deep_server: LiveServer, photo: dict[str, Any], step: str
) -> None:
    started = time.monotonic()
    response = requests.get(_chain_url(deep_server, step, 451, photo["filePath"]), timeout=TIMEOUT)
    assert response.status_code == 400
    assert response.headers["ik-error"].startswith("ELIMIT - ")
    assert "451 steps" in response.headers["ik-error"]
    assert time.monotonic() - started < 5
    _healthy(deep_server)


def test_default_limits_refuse_the_reported_urls(live_server_factory: StartServer) -> None:
    """The two URLs of the report, on a server with the default settings."""
    server = live_server_factory()
    file = uploaded(server, solid_image(20, 20, (0, 0, 255)), "blue.png")
    for step in ("bl-100", "e-sharpen"):
        response = requests.get(_chain_url(server, step, 400, file["filePath"]), timeout=TIMEOUT)
        assert response.status_code == 400, response.headers.get("ik-error")
        assert response.headers["ik-error"].startswith("ELIMIT - ")
    ordinary = requests.get(f"{server.url_endpoint}/tr:w-10:bl-4:e-sharpen{file['filePath']}")
    assert ordinary.status_code == 200
    _healthy(server)
