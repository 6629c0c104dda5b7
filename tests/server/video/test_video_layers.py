"""Layers over video (solid colour, image, text, time windows), named transformations and
signed URLs on videos, on a live server; outputs decoded and measured."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
import requests

from imagekitio import ImageKit
from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import LEFT, RIGHT, close, colour_at, make_video, measure

GREEN = (0, 255, 0)


@pytest.fixture(scope="module")
def clip(live_server: LiveServer) -> dict[str, object]:
    uploaded(
        live_server, solid_image(20, 20, (255, 255, 0)), "yellow.png", useUniqueFileName="false"
    )
    return uploaded(live_server, make_video(seconds=2), "layered.mp4", useUniqueFileName="false")


def get(server: LiveServer, path: str) -> requests.Response:
    response = requests.get(f"{server.url_endpoint}/{path}", timeout=TIMEOUT)
    assert response.status_code == 200, response.headers.get("ik-error")
    return response


def frames_at(data: bytes, *moments: float) -> list[np.ndarray]:
    """The decoded frames shown at ``moments`` (seconds)."""
    found: list[np.ndarray] = []
    with av.open(io.BytesIO(data)) as container:
        frames = [
            (frame.time, frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)
        ]
    for moment in moments:
        found.append(min(frames, key=lambda item: abs((item[0] or 0.0) - moment))[1])
    return found


def test_solid_colour_block(live_server: LiveServer, clip: dict[str, object]) -> None:
    data = get(
        live_server, "tr:l-image,i-ik_canvas,bg-00FF00,w-40,h-40,lx-0,ly-0,l-end/layered.mp4"
    ).content
    rendered = measure(data)
    assert (rendered.width, rendered.height) == (160, 120)
    assert rendered.first_frame is not None
    assert close(colour_at(rendered.first_frame, 0.1, 0.2), GREEN)
    assert close(colour_at(rendered.first_frame, 0.1, 0.8), LEFT)
    assert close(colour_at(rendered.first_frame, 0.9, 0.8), RIGHT)


def test_image_layer_after_resize_with_time_window(
    live_server: LiveServer, clip: dict[str, object]
) -> None:
    data = get(
        live_server, "tr:w-80:l-image,i-yellow.png,lx-60,ly-40,lso-1,l-end/layered.mp4"
    ).content
    assert measure(data).width == 80
    early, late = frames_at(data, 0.2, 1.5)
    assert close(colour_at(early, 0.9, 0.9), RIGHT)
    assert close(colour_at(late, 0.9, 0.9), (255, 255, 0))


def test_text_layer(live_server: LiveServer, clip: dict[str, object]) -> None:
    plain = measure(get(live_server, "tr:w-160/layered.mp4").content).first_frame
    text = measure(
        get(live_server, "tr:l-text,i-Hello,fs-40,co-FFFFFF,lx-0,ly-30,l-end/layered.mp4").content
    ).first_frame
    assert plain is not None and text is not None
    band = (slice(30, 70), slice(0, 80))
    assert text[band].mean() > plain[band].mean() + 10  # white glyphs over red


def test_named_transformation_on_video(live_server: LiveServer, clip: dict[str, object]) -> None:
    created = requests.post(
        f"{live_server.base_url}/v1/named-transformations",
        json={"name": "small_video", "transformation": "w-64,h-48,ac-none"},
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert created.status_code == 201, created.text
    rendered = measure(get(live_server, "tr:n-small_video/layered.mp4").content)
    assert (rendered.width, rendered.height, rendered.audio_codec) == (64, 48, None)
    missing = requests.get(f"{live_server.url_endpoint}/tr:n-nope/layered.mp4", timeout=TIMEOUT)
    assert missing.status_code == 400


def test_signed_url_for_private_video(live_server: LiveServer) -> None:
    body = uploaded(
        live_server,
        make_video(),
        "private-clip.mp4",
        isPrivateFile="true",
        useUniqueFileName="false",
    )
    client = ImageKit(
        public_key=live_server.public_key,
        private_key=live_server.private_key,
        url_endpoint=live_server.url_endpoint,
    )
    options = {"path": body["filePath"], "transformation": [{"width": 80}], "signed": True}
    signed = client.url({**options, "expire_seconds": 300})
    response = requests.get(signed, timeout=TIMEOUT)
    assert response.status_code == 200 and measure(response.content).width == 80
    assert requests.get(signed.replace("ik-s=", "ik-s=0"), timeout=TIMEOUT).status_code == 401


def test_rounded_corners(live_server: LiveServer, clip: dict[str, object]) -> None:
    data = get(live_server, "tr:w-100,h-100,r-max,bg-00FF00/layered.mp4").content
    frame = measure(data).first_frame
    assert frame is not None and frame.shape[:2] == (100, 100)
    assert close(colour_at(frame, 0.02, 0.02), GREEN)
    assert close(colour_at(frame, 0.98, 0.98), GREEN)
    assert close(colour_at(frame, 0.25, 0.5), LEFT)
    assert close(colour_at(frame, 0.75, 0.5), RIGHT)
