"""`fo-<object>` through the URL endpoint of a real server given ``IMAGEKIT_OBJECT_MODEL``:
the model reaches the render processes, the crop follows the object, the variant is cached;
a name the model does not know is a 400 naming the ones it knows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pyvips
import requests

from tests.fixtures.live_server import LiveServer
from tests.fixtures.object_models import yolo_model
from tests.server.media import decode
from tests.server.uploads import TIMEOUT, uploaded


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    model = yolo_model(
        tmp_path_factory.mktemp("model") / "yolo.onnx", ["person", "car"], {"car": "red"}
    )
    live = LiveServer(tmp_path_factory.mktemp("data"), {"IMAGEKIT_OBJECT_MODEL": str(model)})
    live.start()
    yield live
    live.stop()


GREY = [128, 128, 128]


def scene() -> bytes:
    """Grey 600x400 with a red "car" near the bottom-right corner."""
    image = (pyvips.Image.black(600, 400) + GREY).cast("uchar")
    image = image.copy(interpretation="srgb").draw_rect([255, 0, 0], 440, 280, 80, 60, fill=True)
    return bytes(image.pngsave_buffer())


def red_share(data: bytes) -> float:
    image = decode(data)
    return float(((image[0] > 200) & (image[2] < 60)).avg()) / 255


def test_the_crop_follows_the_object_and_is_cached(server: LiveServer) -> None:
    path = uploaded(server, scene(), "street.png", useUniqueFileName="false")["filePath"]
    url = f"{server.url_endpoint}/tr:w-90,h-90,fo-car,z-3,f-png{path}"
    first = requests.get(url, timeout=TIMEOUT)
    assert first.status_code == 200, first.headers.get("ik-error")
    assert decode(first.content).width == 90 and red_share(first.content) > 0.2
    left = requests.get(f"{server.url_endpoint}/tr:w-90,h-90,fo-left,f-png{path}", timeout=TIMEOUT)
    assert red_share(left.content) == 0
    again = requests.get(url, timeout=TIMEOUT)
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]


def test_an_object_the_model_does_not_know_is_a_400(server: LiveServer) -> None:
    path = uploaded(server, scene(), "street2.png", useUniqueFileName="false")["filePath"]
    response = requests.get(f"{server.url_endpoint}/tr:w-90,h-90,fo-dog{path}", timeout=TIMEOUT)
    assert response.status_code == 400
    assert response.headers["ik-error"].startswith("EINVALIDTRANSFORMATION - fo-dog")
    assert "person, car" in response.text  # the reason in the body too
