"""``if-`` blocks on videos (conditions on the size at the step, the upright original and the
duration ``idu``) and effects refused, on a live server; outputs decoded and measured."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import close, colour_at, make_video, measure


@pytest.fixture(scope="module")
def clip(live_server: LiveServer) -> dict[str, object]:
    uploaded(live_server, make_video(rotation=90), "phone.mp4", useUniqueFileName="false")
    return uploaded(live_server, make_video(seconds=3), "when.mp4", useUniqueFileName="false")


def get(server: LiveServer, path: str) -> requests.Response:
    return requests.get(f"{server.url_endpoint}/{path}", timeout=TIMEOUT)


def size(server: LiveServer, chain: str, name: str = "when.mp4") -> tuple[int, int]:
    response = get(server, f"tr:{chain}/{name}")
    assert response.status_code == 200, (chain, response.headers.get("ik-error"))
    rendered = measure(response.content)
    return rendered.width, rendered.height


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ("if-ar_gt_1,w-80,if-else,w-40,if-end", (80, 60)),  # 160x120 is landscape
        ("if-ar_lt_1,w-80,if-else,w-40,if-end", (40, 30)),
        ("if-idu_gt_10,w-40,if-else,w-100,if-end", (100, 76)),  # 3 s long
        ("if-idu_gte_2.5_and_iw_eq_160,w-40,if-end", (40, 30)),
        ("if-ih_lt_100,w-40,if-end", (160, 120)),  # no else: nothing happens
        ("w-100:if-w_eq_100_or_h_eq_1,h-40,if-end", (52, 40)),  # w, h: at the current step
        ("if-iar_gt_1-1,if-ar_gt_2,w-20,if-else,w-60,if-end,if-end", (60, 46)),  # nested
    ],
)
def test_branches_change_dimensions(
    live_server: LiveServer, clip: dict[str, object], chain: str, expected: tuple[int, int]
) -> None:
    assert size(live_server, chain) == expected


def test_conditions_see_the_upright_size(live_server: LiveServer, clip: dict[str, object]) -> None:
    """A phone video stored 160x120 with a 90° display matrix is 120x160 as shown."""
    assert size(live_server, "if-ar_lt_1,w-60,if-else,w-20,if-end", "phone.mp4") == (60, 80)


def test_layer_inside_a_branch(live_server: LiveServer, clip: dict[str, object]) -> None:
    chain = "if-iw_gte_160,l-image,i-ik_canvas,bg-00FF00,w-40,h-40,lx-0,ly-20,l-end,if-end"
    response = get(live_server, f"tr:{chain}/when.mp4")
    assert response.status_code == 200, response.headers.get("ik-error")
    frame = measure(response.content).first_frame
    assert frame is not None
    assert close(colour_at(frame, 0.1, 0.3), (0, 255, 0))
    assert close(colour_at(frame, 0.1, 0.8), (230, 30, 30))


def test_thumbnail_with_a_condition(live_server: LiveServer, clip: dict[str, object]) -> None:
    response = requests.get(
        f"{live_server.url_endpoint}/when.mp4/ik-thumbnail.jpg",
        params={"tr": "if-ar_gt_1,w-50,if-else,w-30,if-end"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.headers.get("ik-error")
    assert Image.open(io.BytesIO(response.content)).size[0] == 50


@pytest.mark.parametrize(
    "chain",
    [
        "if-du_gt_1,w-10,if-end",  # not a condition property
        "if-ar_gt_1,so-1,if-end",  # the trim cannot depend on a condition
        "if-ar_gt_1,f-webm,if-end",
        "w-10,if-ar_gt_1,w-20,if-end",  # an if block is a step of its own
        "if-ar_gt_1,w-10",  # unterminated
        "if-ar_gt_x,w-10,if-end",
    ],
)
def test_invalid_conditions(live_server: LiveServer, clip: dict[str, object], chain: str) -> None:
    response = get(live_server, f"tr:{chain}/when.mp4")
    assert response.status_code == 400, (chain, response.status_code)
    assert response.headers["ik-error"].startswith("EINVALIDTRANSFORMATION")


@pytest.mark.parametrize(
    "effect", ["e-grayscale", "e-contrast", "e-sharpen-10", "e-usm-2-2-0.8-0.024"]
)
def test_effects_are_refused_in_imagekits_shape(
    live_server: LiveServer, clip: dict[str, object], effect: str
) -> None:
    response = get(live_server, f"tr:{effect}/when.mp4")
    assert response.status_code == 400
    error = response.headers["ik-error"]
    assert error.startswith("EUNSUPPORTED - e-") and "images only" in error, error
