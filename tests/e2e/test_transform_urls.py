"""SDK-built transformation URLs against the real server on both backends (SQLite + disk,
PostgreSQL + S3), and a multi-worker server: what one worker writes, another serves."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest
import requests

from imagekitio import ImageKit
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions
from tests.fixtures.live_server import StartServer
from tests.server.media import decode, pixel, two_colour_png
from tests.server.uploads import uploaded

TIMEOUT = 30


def _red(rgb: list[float]) -> bool:
    return rgb[0] > 200 and rgb[1] < 60 and rgb[2] < 60


def _blue(rgb: list[float]) -> bool:
    return rgb[2] > 200 and rgb[0] < 60 and rgb[1] < 60


@pytest.mark.parametrize("position", ["path", "query"])
def test_sdk_urls_render_and_cache_on_each_backend(client: ImageKit, position: str) -> None:
    options = UploadFileRequestOptions(folder=f"/e2e-tr-{secrets.token_hex(3)}")
    result = client.upload_file(file=two_colour_png(200, 100), file_name="p.png", options=options)
    url = client.url(
        {
            "path": result.file_path,
            "transformation": [{"width": "100", "format": "png"}, {"rotation": "90"}],
            "transformation_position": position,
        }
    )
    assert ("tr:" in url) == (position == "path")
    first = requests.get(url, timeout=TIMEOUT)
    assert first.status_code == 200, first.headers.get("ik-error")
    image = decode(first.content)
    assert (image.width, image.height) == (50, 100)
    assert _red(pixel(first.content, 25, 10)) and _blue(pixel(first.content, 25, 90))
    second = requests.get(url, timeout=TIMEOUT)
    assert second.content == first.content and "age" in second.headers
    signed = client.url(
        {
            "path": result.file_path,
            "transformation": [{"width": "40"}],
            "transformation_position": position,
            "signed": True,
            "expire_seconds": 120,
        }
    )
    assert decode(requests.get(signed, timeout=TIMEOUT).content).width == 40


def _first_pixel(url: str) -> list[float]:
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, response.headers.get("ik-error")
    return pixel(response.content, 1, 1)


def test_workers_see_overwrites_within_twice_the_lookup_ttl(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={"IMAGEKIT_WORKERS": "2", "IMAGEKIT_LOOKUP_TTL": "0.5"})
    name = f"{secrets.token_hex(4)}.png"
    body: dict[str, Any] = uploaded(server, two_colour_png(40, 20), name, useUniqueFileName="false")
    url = f"{server.url_endpoint}/tr:w-20,f-png{body['filePath']}"
    # Many requests so both workers hold the red variant and the path in their memos.
    assert all(_red(_first_pixel(url)) for _ in range(20))
    flipped = decode(two_colour_png(40, 20)).fliphor().write_to_buffer(".png")
    uploaded(server, flipped, name, useUniqueFileName="false")
    # The documented bound: twice IMAGEKIT_LOOKUP_TTL (an expired lookup is served one more TTL
    # while it is refreshed).
    time.sleep(1.1)
    assert all(_blue(_first_pixel(url)) for _ in range(20))
