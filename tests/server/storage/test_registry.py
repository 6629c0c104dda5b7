"""``open_store`` and the backend registry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from imagekit_server.storage import (
    BlobStore,
    LocalBlobStore,
    open_store,
    register_backend,
    registered_schemes,
)
from imagekit_server.storage import registry as registry_module


@pytest.fixture
def restore_registry() -> Iterator[None]:
    saved = dict(registry_module._FACTORIES)
    yield
    registry_module._FACTORIES.clear()
    registry_module._FACTORIES.update(saved)


def test_plain_path_opens_local_store(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "plain"))
    assert isinstance(store, LocalBlobStore)
    assert store.root == (tmp_path / "plain").resolve()


def test_file_url_opens_local_store(tmp_path: Path) -> None:
    store = open_store(f"file://{tmp_path}/with%20space")
    assert isinstance(store, LocalBlobStore)
    assert store.root == (tmp_path / "with space").resolve()
    store.put_bytes("k", b"v")
    assert (tmp_path / "with space" / "k").read_bytes() == b"v"


def test_file_url_with_remote_host_is_refused() -> None:
    with pytest.raises(ValueError, match="local path"):
        open_store("file://otherhost/srv/blobs")


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown storage URL scheme 'gopher'"):
        open_store("gopher://x/y")


def test_empty_url_is_refused() -> None:
    with pytest.raises(ValueError):
        open_store("")


def test_builtin_schemes() -> None:
    assert {"file", "s3"} <= set(registered_schemes())


def test_local_store_satisfies_protocol(tmp_path: Path) -> None:
    assert isinstance(LocalBlobStore(tmp_path), BlobStore)


@pytest.mark.usefixtures("restore_registry")
def test_third_party_backend_plugs_in(tmp_path: Path) -> None:
    seen: list[str] = []

    def factory(url: str) -> BlobStore:
        seen.append(url)
        return LocalBlobStore(tmp_path / url.split("://", 1)[1])

    register_backend("Mem", factory)
    store = open_store("MEM://bucket-a")
    assert seen == ["MEM://bucket-a"]
    assert isinstance(store, LocalBlobStore)
    assert store.root == (tmp_path / "bucket-a").resolve()
    assert "mem" in registered_schemes()


@pytest.mark.parametrize("scheme", ["", "a b", "x/y", "é"])
def test_bad_scheme_names_are_refused(scheme: str) -> None:
    with pytest.raises(ValueError):
        register_backend(scheme, open_store)
