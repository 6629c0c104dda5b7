"""What only the local-disk backend promises: files under the root, rename-in writes."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from imagekit_server.renditions.derived_cache import load_derived, save_derived
from imagekit_server.storage import BlobNotFound, InvalidBlobKey, LocalBlobStore
from imagekit_server.storage import local as local_module


@pytest.fixture
def local(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "root")


def test_blob_is_a_plain_file_under_root(local: LocalBlobStore) -> None:
    local.put_bytes("a/b/c.jpg", b"pixels")
    assert (local.root / "a" / "b" / "c.jpg").read_bytes() == b"pixels"
    assert local.local_path("a/b/c.jpg") == local.root / "a/b/c.jpg"


def test_root_is_created_and_resolved(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "x" / ".." / "deep" / "root")
    assert store.root == (tmp_path / "deep" / "root").resolve()
    assert store.temp_dir == store.root / ".tmp"
    assert store.temp_dir.is_dir()


def test_files_are_world_readable(local: LocalBlobStore, tmp_path: Path) -> None:
    local.put_bytes("p.bin", b"x")
    source = tmp_path / "s.bin"
    source.write_bytes(b"y")
    local.put_file("q.bin", source)
    for name in ("p.bin", "q.bin"):
        assert (local.root / name).stat().st_mode & 0o777 == 0o644


def test_writes_leave_no_temporary_files(local: LocalBlobStore, tmp_path: Path) -> None:
    source = tmp_path / "s.bin"
    source.write_bytes(b"y")
    local.put_bytes("a.bin", b"x")
    local.put_file("b.bin", source)
    with pytest.raises(FileNotFoundError):
        local.put_file("c.bin", tmp_path / "missing.bin")
    assert list(local.temp_dir.iterdir()) == []


def test_put_file_from_temp_dir_links_instead_of_copying(local: LocalBlobStore) -> None:
    spooled = local.temp_dir / "upload-123"
    spooled.write_bytes(b"spooled upload")
    local.put_file("up/a.bin", spooled)
    stored = local.root / "up" / "a.bin"
    assert stored.read_bytes() == b"spooled upload"
    assert os.path.samefile(stored, spooled)  # same inode: no bytes were copied
    spooled.unlink()
    assert local.get_bytes("up/a.bin") == b"spooled upload"


def test_put_file_from_a_folder_under_temp_dir_links_too(local: LocalBlobStore) -> None:
    spool = local.temp_dir / "uploads" / "worker-1"
    spool.mkdir(parents=True)
    spooled = spool / "part"
    spooled.write_bytes(b"nested spool")
    local.put_file("up/b.bin", spooled)
    assert os.path.samefile(local.root / "up" / "b.bin", spooled)


def test_put_file_elsewhere_copies(local: LocalBlobStore, tmp_path: Path) -> None:
    source = tmp_path / "outside.bin"
    source.write_bytes(b"outside")
    local.put_file("o.bin", source)
    assert not os.path.samefile(local.root / "o.bin", source)
    source.write_bytes(b"changed later")
    assert local.get_bytes("o.bin") == b"outside"


def test_temp_dir_is_neither_listed_nor_addressable(local: LocalBlobStore) -> None:
    (local.temp_dir / "partial").write_bytes(b"half")
    local.put_bytes("real.bin", b"x")
    assert list(local.list_keys()) == ["real.bin"]
    assert list(local.list_keys(".")) == []
    with pytest.raises(InvalidBlobKey):
        local.get_bytes(".tmp/partial")
    with pytest.raises(InvalidBlobKey):
        local.put_bytes(".tmp/x", b"x")
    assert local.delete_prefix(".tm") == 0
    assert (local.temp_dir / "partial").exists()


def test_symlink_out_of_root_is_refused(local: LocalBlobStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    (local.root / "link").symlink_to(outside)
    with pytest.raises(InvalidBlobKey):
        local.get_bytes("link/secret.txt")
    with pytest.raises(InvalidBlobKey):
        local.put_bytes("link/planted.txt", b"x")
    assert not (outside / "planted.txt").exists()


def test_symlinked_blob_out_of_root_is_refused(local: LocalBlobStore, tmp_path: Path) -> None:
    # The link is the key's last component, below a real folder.
    (tmp_path / "secret.txt").write_bytes(b"secret")
    local.put_bytes("real/a.bin", b"a")
    (local.root / "real" / "leak.bin").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(InvalidBlobKey):
        local.get_bytes("real/leak.bin")
    assert local.get_bytes("real/a.bin") == b"a"


def test_symlink_inside_root_is_followed(local: LocalBlobStore) -> None:
    local.put_bytes("real/a.bin", b"a")
    (local.root / "alias").symlink_to(local.root / "real")
    assert local.get_bytes("alias/a.bin") == b"a"


def test_delete_prunes_empty_folders(local: LocalBlobStore) -> None:
    local.put_bytes("x/y/z.bin", b"1")
    local.put_bytes("x/keep.bin", b"2")
    local.delete("x/y/z.bin")
    assert not (local.root / "x" / "y").exists()
    assert (local.root / "x").is_dir()
    local.delete_prefix("x/")
    assert not (local.root / "x").exists()
    assert local.root.is_dir()


def test_key_clashing_with_a_folder_or_file(local: LocalBlobStore) -> None:
    local.put_bytes("f/inner.bin", b"1")
    with pytest.raises(InvalidBlobKey, match="clashes"):
        local.put_bytes("f", b"2")
    local.put_bytes("g", b"3")
    with pytest.raises(InvalidBlobKey, match="clashes"):
        local.put_bytes("g/inner.bin", b"4")
    assert local.get_bytes("f/inner.bin") == b"1"
    assert local.get_bytes("g") == b"3"


def test_open_stream_keeps_reading_the_old_version(local: LocalBlobStore) -> None:
    local.put_bytes("v.bin", b"A" * 100)
    stream = local.iter_range("v.bin", chunk_size=10)
    first = next(stream)
    local.put_bytes("v.bin", b"B" * 100)
    assert first + b"".join(stream) == b"A" * 100
    assert local.get_bytes("v.bin") == b"B" * 100


def test_unfinished_stream_closes_its_file_when_closed(local: LocalBlobStore) -> None:
    local.put_bytes("c.bin", b"C" * 100)
    fds_before = len(os.listdir("/proc/self/fd"))
    stream = local.iter_range("c.bin", chunk_size=10)
    next(stream)
    assert len(os.listdir("/proc/self/fd")) == fds_before + 1
    stream.close()  # type: ignore[attr-defined]
    assert len(os.listdir("/proc/self/fd")) == fds_before


def test_missing_blob_error_names_the_key(local: LocalBlobStore) -> None:
    with pytest.raises(BlobNotFound, match=r"nope\.bin"):
        local.get_bytes("nope.bin")


def test_remove_stale_temp_files(local: LocalBlobStore) -> None:
    stale = local.temp_dir / "abandoned-upload"
    fresh = local.temp_dir / "upload-in-progress"
    stale.write_bytes(b"old")
    fresh.write_bytes(b"new")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    assert local.remove_stale_temp_files(timedelta(hours=1)) == 1
    assert not stale.exists()
    assert fresh.read_bytes() == b"new"
    assert local.remove_stale_temp_files(timedelta(hours=1)) == 0


def test_new_nested_folders_are_created(local: LocalBlobStore) -> None:
    local.put_bytes("n1/n2/n3/n4/leaf.bin", b"leaf")
    assert (local.root / "n1" / "n2" / "n3" / "n4" / "leaf.bin").read_bytes() == b"leaf"
    local.put_bytes("n1/n2/other.bin", b"other")
    assert sorted(local.list_keys("n1/")) == ["n1/n2/n3/n4/leaf.bin", "n1/n2/other.bin"]


def test_puts_race_folder_pruning_by_deletes(local: LocalBlobStore) -> None:
    errors: list[BaseException] = []

    def put_many() -> None:
        try:
            for i in range(300):
                local.put_bytes(f"hot/dir/{i % 3}.bin", b"x")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def delete_many() -> None:
        try:
            for i in range(300):
                local.delete(f"hot/dir/{i % 3}.bin")
                if i % 50 == 0:
                    local.delete_prefix("hot/")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for work in (put_many, put_many, delete_many)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    local.put_bytes("hot/dir/0.bin", b"last")
    assert local.get_bytes("hot/dir/0.bin") == b"last"


def _record_directory_syncs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    synced: list[Path] = []
    real = local_module._fsync_dir

    def record(directory: Path) -> None:
        synced.append(directory)
        real(directory)

    monkeypatch.setattr(local_module, "_fsync_dir", record)
    return synced


def test_put_bytes_syncs_the_new_folders_and_the_rename(
    local: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = _record_directory_syncs(monkeypatch)
    local.put_bytes("a/b/c.bin", b"1")
    assert synced == [local.root, local.root / "a", local.root / "a" / "b"]


def test_a_cache_blob_is_written_whole_without_directory_syncs(
    local: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = _record_directory_syncs(monkeypatch)
    sealed: list[int] = []
    real_seal = local_module._seal
    monkeypatch.setattr(local_module, "_seal", lambda file: (sealed.append(1), real_seal(file)))
    local.put_cache_bytes("d/e/f.bin", b"cached")
    local.put_cache_bytes("d/e/f.bin", b"again")
    assert synced == []
    assert sealed == [1, 1]  # the contents still reach the disk before the rename
    assert local.get_bytes("d/e/f.bin") == b"again"
    assert list(local.temp_dir.iterdir()) == []


def test_derived_images_are_stored_as_cache_blobs(
    local: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = _record_directory_syncs(monkeypatch)
    size = save_derived(local, "derived/acc/file/name", "image/jpeg", b"jpeg bytes")
    assert size == len("image/jpeg\njpeg bytes")
    assert load_derived(local, "derived/acc/file/name") == ("image/jpeg", b"jpeg bytes")
    assert synced == []
