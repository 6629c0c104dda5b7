"""Clients pointed at the recording server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from imagekitio import ImageKit
from tests.fixtures.recording_server import RecordingServer

PUBLIC_KEY = "public_TEST_KEY"
PRIVATE_KEY = "private_TEST_KEY"
URL_ENDPOINT = "https://ik.imagekit.io/demo"
BASIC_AUTH = "Basic cHJpdmF0ZV9URVNUX0tFWTo="  # base64("private_TEST_KEY:")


def make_client(server: RecordingServer, **settings: object) -> ImageKit:
    return ImageKit(
        PUBLIC_KEY,
        PRIVATE_KEY,
        URL_ENDPOINT,
        api_base_url=server.base_url,
        upload_base_url=server.base_url,
        **settings,  # type: ignore[arg-type]
    )


@pytest.fixture
def ik(recording_server: RecordingServer) -> Iterator[ImageKit]:
    """A client without retries (error tests must see exactly one request)."""
    with make_client(recording_server, max_retries=0, timeout=5) as client:
        yield client
