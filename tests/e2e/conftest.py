"""Fixtures of the end-to-end tests: our SDK pointed at the real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from imagekitio import ImageKit
from tests.fixtures.live_server import LiveServer


@pytest.fixture(scope="module")
def client(live_backend_server: LiveServer) -> Iterator[ImageKit]:
    """An ``ImageKit`` client of the module's server (SQLite + disk, then PostgreSQL + S3)."""
    server = live_backend_server
    with ImageKit(
        public_key=server.public_key,
        private_key=server.private_key,
        url_endpoint=server.url_endpoint,
        api_base_url=server.base_url,
        upload_base_url=server.base_url,
    ) as imagekit:
        yield imagekit
