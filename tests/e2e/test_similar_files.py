"""``find_similar_files`` (our extension) through the SDK, sync and async, on real images."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pyvips

from imagekitio import AsyncImageKit, ImageKit
from imagekitio.exceptions.BadRequestException import BadRequestException
from imagekitio.exceptions.NotFoundException import NotFoundException
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions
from tests.fixtures.live_server import LiveServer

ASTRONAUT = Path(__file__).parents[1] / "data" / "astronaut.jpg"


def _variants() -> dict[str, bytes]:
    image = pyvips.Image.new_from_file(str(ASTRONAUT))
    return {
        "original.jpg": ASTRONAUT.read_bytes(),
        "smaller.jpg": image.resize(0.5).jpegsave_buffer(Q=60),
        "flipped.jpg": image.fliphor().jpegsave_buffer(),
        "notes.txt": b"not an image",
    }


def test_similar_files_sync_and_async(live_server: LiveServer) -> None:
    server = live_server
    keys = {
        "public_key": server.public_key,
        "private_key": server.private_key,
        "url_endpoint": server.url_endpoint,
        "api_base_url": server.base_url,
        "upload_base_url": server.base_url,
    }
    with ImageKit(**keys) as imagekit:
        ids = {
            name: imagekit.upload_file(
                file=data,
                file_name=name,
                options=UploadFileRequestOptions(folder="/similar", use_unique_file_name=False),
            ).file_id
            for name, data in _variants().items()
        }
        found = imagekit.find_similar_files(ids["original.jpg"], max_distance=6)
        names = [item.name for item in found.list]
        assert "smaller.jpg" in names and "flipped.jpg" not in names
        assert "original.jpg" not in names
        assert all(0 <= item.distance <= 6 for item in found.list)
        assert found.response_metadata.http_status_code == 200
        with pytest.raises(BadRequestException):
            imagekit.find_similar_files(ids["notes.txt"])
        with pytest.raises(BadRequestException):
            imagekit.find_similar_files(ids["original.jpg"], max_distance=99)
        with pytest.raises(NotFoundException):
            imagekit.find_similar_files("0" * 24)

    async def run_async() -> list[str]:
        async with AsyncImageKit(**keys) as client:
            result = await client.find_similar_files(ids["smaller.jpg"], max_distance=6)
            return [item.name for item in result.list]

    assert "original.jpg" in asyncio.run(run_async())
