"""The ``store`` fixture: one fresh ``BlobStore`` per test, for every backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagekit_server.storage import BlobStore, LocalBlobStore, open_store

BACKENDS = [
    "local",
    pytest.param("s3", marks=pytest.mark.s3),
]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    """An empty store: a local directory, then a bucket on the moto S3 server."""
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    url: str = request.getfixturevalue("s3_store_url")
    return open_store(url)
