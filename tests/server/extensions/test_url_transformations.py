"""AI transformations at the URL endpoint: ``e-bgremove`` / ``e-removedotbg`` render through
the configured remove-bg provider and are cached like any variant; ``e-dropshadow`` casts a
shadow from the alpha mask; ``e-changebg`` with a colour prompt; a slow removal answers
ImageKit's intermediate response; other AI parameters keep their 400."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.extensions.images import busy_photo, product_shot
from tests.server.extensions.peers import API_KEY, Peer
from tests.server.media import decode
from tests.server.uploads import TIMEOUT, uploaded


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("imagekit-data"), {})
    live.start()
    yield live
    live.stop()


def _get(server: LiveServer, chain: str, path: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}/tr:{chain}{path}", timeout=TIMEOUT)


def test_bgremove_renders_a_cutout_and_caches_it(server: LiveServer) -> None:
    path = uploaded(server, product_shot(), "url.jpg", useUniqueFileName="false")["filePath"]
    response = _get(server, "e-bgremove,f-png", path)
    assert response.status_code == 200, response.text
    image = decode(response.content)
    assert image.bands == 4 and image.getpoint(3, 3)[3] == 0 and image.getpoint(180, 150)[3] == 255
    again = _get(server, "e-bgremove,f-png", path)
    assert again.content == response.content and again.headers["etag"] == response.headers["etag"]
    resized = decode(_get(server, "e-removedotbg,w-200,f-png", path).content)
    assert (resized.width, resized.height, resized.bands) == (200, 150, 4)


def test_dropshadow_and_changebg_use_the_alpha_mask(server: LiveServer) -> None:
    path = uploaded(server, product_shot(), "shadow.jpg", useUniqueFileName="false")["filePath"]
    shadowed = decode(_get(server, "e-bgremove:e-dropshadow-az-0_el-30_st-80,f-png", path).content)
    below = shadowed.getpoint(180, 232)  # under the box, away from a light at the top
    above = shadowed.getpoint(180, 68)
    assert below[3] > 20 and above[3] == 0
    white = decode(_get(server, "e-changebg-prompt-white,f-png", path).content)
    assert white.bands == 3 and [round(v) for v in white.getpoint(3, 3)] == [255, 255, 255]
    opaque = decode(_get(server, "e-dropshadow,f-png", path).content)
    assert opaque.bands == 3  # nothing to cast a shadow from: unchanged


@pytest.mark.parametrize(
    ("chain", "message"),
    [
        ("e-genvar", "e-genvar"),
        ("e-upscale", "e-upscale"),
        ("e-retouch", "e-retouch"),
        ("e-edit-prompt-hat", "e-edit"),
        ("fo-car", "fo"),
        ("e-changebg-prompt-beach", "descriptive prompt"),
        ("w-100:e-bgremove", "first step"),
        ("l-image,i-x.png,e-bgremove,l-end", "layer"),
    ],
)
def test_other_ai_parameters_keep_their_400(server: LiveServer, chain: str, message: str) -> None:
    path = uploaded(server, product_shot(60, 40), "ai400.jpg", useUniqueFileName="false")[
        "filePath"
    ]
    response = _get(server, chain, path)
    assert response.status_code == 400
    assert message in response.headers["ik-error"]


def test_a_failed_removal_is_a_400_with_the_reason(server: LiveServer) -> None:
    path = uploaded(server, busy_photo(), "busy.jpg", useUniqueFileName="false")["filePath"]
    response = _get(server, "e-bgremove", path)
    assert response.status_code == 400
    assert "not plain enough" in response.headers["ik-error"]


def test_a_slow_removal_answers_the_intermediate_response(
    live_server_factory: StartServer, peer: Peer
) -> None:
    server = live_server_factory(
        env={
            "IMAGEKIT_EXT_REMOVE_BG": "removebg",
            "IMAGEKIT_REMOVEBG_API_KEY": API_KEY,
            "IMAGEKIT_REMOVEBG_ENDPOINT": peer.url,
            "IMAGEKIT_AI_RENDER_WAIT": "0.5",
        }
    )
    peer.delay = 2.0
    path = uploaded(server, product_shot(), "slow.jpg", useUniqueFileName="false")["filePath"]
    started = time.monotonic()
    first = _get(server, "e-removedotbg,f-png", path)
    assert time.monotonic() - started < 1.8
    assert first.status_code == 200
    assert first.headers["is-intermediate-response"] == "true"
    assert first.headers["cache-control"] == "no-store"
    assert "being prepared" in first.text
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = _get(server, "e-removedotbg,f-png", path)
        if "is-intermediate-response" not in response.headers:
            break
        time.sleep(0.2)
    assert response.status_code == 200
    assert decode(response.content).getpoint(3, 3)[3] == 0
    assert len(peer.calls) == 1  # the waiting requests shared one provider call
