"""The contract every ``BlobStore`` backend meets (run once per backend via ``store``)."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from imagekit_server.renditions.derived_cache import load_derived, save_derived
from imagekit_server.storage import BlobNotFound, BlobStore, InvalidBlobKey


def _pattern(size: int, seed: int = 0) -> bytes:
    """Bytes where every offset holds a different-looking value, so slicing errors show."""
    return bytes((i * 7 + seed) % 251 for i in range(size))


def _join(chunks: Any) -> bytes:
    return b"".join(chunks)


# -- put / get --------------------------------------------------------------------------------


def test_put_bytes_then_get_bytes(store: BlobStore) -> None:
    data = _pattern(10_000)
    store.put_bytes("images/a.jpg", data)
    assert store.get_bytes("images/a.jpg") == data


def test_empty_blob(store: BlobStore) -> None:
    store.put_bytes("empty.bin", b"")
    assert store.get_bytes("empty.bin") == b""
    assert store.exists("empty.bin")
    stat = store.stat("empty.bin")
    assert stat is not None
    assert stat.size == 0
    assert _join(store.iter_range("empty.bin")) == b""


def test_put_bytes_overwrites(store: BlobStore) -> None:
    store.put_bytes("k.txt", b"old contents that are longer")
    store.put_bytes("k.txt", b"new")
    assert store.get_bytes("k.txt") == b"new"


def test_put_file_copies_contents_and_leaves_source(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "upload.bin"
    data = _pattern(300_000, seed=3)
    source.write_bytes(data)
    store.put_file("uploads/x/upload.bin", source)
    assert store.get_bytes("uploads/x/upload.bin") == data
    assert source.read_bytes() == data


def test_put_file_overwrites(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "v2.bin"
    source.write_bytes(b"version two")
    store.put_bytes("doc.bin", b"version one, longer")
    store.put_file("doc.bin", source)
    assert store.get_bytes("doc.bin") == b"version two"


def test_put_file_of_missing_source_raises_and_keeps_old_blob(
    store: BlobStore, tmp_path: Path
) -> None:
    store.put_bytes("kept.bin", b"old")
    with pytest.raises(FileNotFoundError):
        store.put_file("kept.bin", tmp_path / "nope.bin")
    assert store.get_bytes("kept.bin") == b"old"


def test_keys_are_independent(store: BlobStore) -> None:
    store.put_bytes("a/b.txt", b"1")
    store.put_bytes("a/b.txt.bak", b"2")
    store.put_bytes("a/c/b.txt", b"3")
    assert store.get_bytes("a/b.txt") == b"1"
    assert store.get_bytes("a/b.txt.bak") == b"2"
    assert store.get_bytes("a/c/b.txt") == b"3"


def test_copy_makes_an_independent_blob(store: BlobStore) -> None:
    data = _pattern(5000)
    store.put_bytes("orig/a.jpg", data)
    store.copy("orig/a.jpg", "copies/deep/a.jpg")
    assert store.get_bytes("copies/deep/a.jpg") == data
    store.put_bytes("orig/a.jpg", b"changed")
    assert store.get_bytes("copies/deep/a.jpg") == data
    store.delete("orig/a.jpg")
    assert store.get_bytes("copies/deep/a.jpg") == data
    store.put_bytes("copies/deep/a.jpg", b"target changed")
    assert not store.exists("orig/a.jpg")


def test_copy_overwrites_the_target(store: BlobStore) -> None:
    store.put_bytes("src.bin", b"new")
    store.put_bytes("dst.bin", b"old and longer")
    store.copy("src.bin", "dst.bin")
    assert store.get_bytes("dst.bin") == b"new"
    assert store.get_bytes("src.bin") == b"new"


def test_copy_onto_itself_keeps_the_blob(store: BlobStore) -> None:
    store.put_bytes("self.bin", b"same")
    store.copy("self.bin", "self.bin")
    assert store.get_bytes("self.bin") == b"same"


def test_copy_of_missing_blob_raises_blob_not_found(store: BlobStore) -> None:
    store.put_bytes("dst.bin", b"kept")
    with pytest.raises(BlobNotFound) as caught:
        store.copy("absent.bin", "dst.bin")
    assert caught.value.args == ("absent.bin",)
    assert store.get_bytes("dst.bin") == b"kept"


# -- ranges -----------------------------------------------------------------------------------

RANGES = [
    (0, None),
    (0, 1000),
    (1, 2),
    (17, 900),
    (999, None),
    (999, 1000),
    (500, 5000),  # end past the size is clamped
    (1000, None),  # start at the size: nothing
    (4000, None),  # start past the size: nothing
    (4000, 5000),
    (10, 10),  # empty range
]


@pytest.mark.parametrize(("start", "end"), RANGES)
@pytest.mark.parametrize("chunk_size", [1, 7, 1 << 20])
def test_iter_range_returns_the_slice(
    store: BlobStore, start: int, end: int | None, chunk_size: int
) -> None:
    data = _pattern(1000)
    store.put_bytes("r.bin", data)
    chunks = list(store.iter_range("r.bin", start, end, chunk_size=chunk_size))
    assert b"".join(chunks) == data[start:end]
    assert all(0 < len(chunk) <= chunk_size for chunk in chunks)


def test_iter_range_defaults_to_whole_blob(store: BlobStore) -> None:
    data = _pattern(3 << 20)
    store.put_bytes("whole.bin", data)
    chunks = list(store.iter_range("whole.bin"))
    assert b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) <= 1 << 20


@pytest.mark.parametrize(("start", "end", "chunk_size"), [(-1, None, 10), (5, 2, 10), (0, 5, 0)])
def test_iter_range_refuses_bad_arguments(
    store: BlobStore, start: int, end: int | None, chunk_size: int
) -> None:
    store.put_bytes("r.bin", b"0123456789")
    with pytest.raises(ValueError):
        store.iter_range("r.bin", start, end, chunk_size=chunk_size)


# -- metadata ---------------------------------------------------------------------------------


def test_stat_reports_size_and_recent_utc_time(store: BlobStore) -> None:
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    store.put_bytes("s/t.bin", _pattern(1234))
    after = datetime.now(timezone.utc) + timedelta(seconds=5)
    stat = store.stat("s/t.bin")
    assert stat is not None
    assert stat.size == 1234
    assert stat.modified.utcoffset() == timedelta(0)
    assert before <= stat.modified <= after


def test_exists(store: BlobStore) -> None:
    assert not store.exists("e.bin")
    store.put_bytes("e.bin", b"x")
    assert store.exists("e.bin")


def test_folders_are_not_blobs(store: BlobStore) -> None:
    store.put_bytes("dir/inner.bin", b"x")
    assert not store.exists("dir")
    assert store.stat("dir") is None
    assert store.local_path("dir") is None
    with pytest.raises(BlobNotFound):
        store.get_bytes("dir")


def test_local_path_is_the_blob_or_none(store: BlobStore) -> None:
    store.put_bytes("lp/a.bin", b"on disk?")
    path = store.local_path("lp/a.bin")
    if path is not None:  # only local-disk backends give a path
        assert path.read_bytes() == b"on disk?"
    assert store.local_path("lp/missing.bin") is None


# -- missing blobs ----------------------------------------------------------------------------

MISSING_READS: list[Callable[[BlobStore, str], object]] = [
    lambda store, key: store.get_bytes(key),
    lambda store, key: store.iter_range(key),  # raised by the call, before iterating
    lambda store, key: store.iter_range(key, 0, 0),
    lambda store, key: store.iter_range(key, 10, 20),
]


@pytest.mark.parametrize("read", MISSING_READS)
def test_missing_blob_raises_blob_not_found(
    store: BlobStore, read: Callable[[BlobStore, str], object]
) -> None:
    store.put_bytes("present/x.bin", b"x")
    for key in ("absent.bin", "present/y.bin", "present/x.bin/deeper"):
        with pytest.raises(BlobNotFound) as caught:
            read(store, key)
        assert isinstance(caught.value, KeyError)
        assert caught.value.args == (key,)


def test_missing_blob_stat_is_none(store: BlobStore) -> None:
    assert store.stat("absent.bin") is None
    assert not store.exists("absent.bin")


# -- delete -----------------------------------------------------------------------------------


def test_delete_removes_and_is_idempotent(store: BlobStore) -> None:
    store.put_bytes("d/x.bin", b"x")
    store.put_bytes("d/y.bin", b"y")
    store.delete("d/x.bin")
    assert not store.exists("d/x.bin")
    assert store.get_bytes("d/y.bin") == b"y"
    store.delete("d/x.bin")
    store.delete("never/existed.bin")
    assert list(store.list_keys()) == ["d/y.bin"]


def test_key_is_reusable_after_delete(store: BlobStore) -> None:
    store.put_bytes("re/use.bin", b"1")
    store.delete("re/use.bin")
    store.put_bytes("re/use.bin", b"2")
    assert store.get_bytes("re/use.bin") == b"2"


LISTED_KEYS = ["a.b", "a/x", "a/y/z", "a0", "ab/c", "b", "b-c/d.jpg", "b.c", "b_c"]


@pytest.fixture
def listed(store: BlobStore) -> BlobStore:
    """A store holding ``LISTED_KEYS`` (put in reverse order, so listing must sort)."""
    for key in reversed(LISTED_KEYS):
        store.put_bytes(key, key.encode())
    return store


def test_list_keys_all_sorted(listed: BlobStore) -> None:
    assert list(listed.list_keys()) == sorted(LISTED_KEYS)


@pytest.mark.parametrize("prefix", ["a", "a/", "a/y", "a/y/", "ab", "b", "b.", "b-c/", "zz", "a/q"])
def test_list_keys_by_prefix(listed: BlobStore, prefix: str) -> None:
    expected = sorted(key for key in LISTED_KEYS if key.startswith(prefix))
    assert list(listed.list_keys(prefix)) == expected


def test_list_keys_of_empty_store(store: BlobStore) -> None:
    assert list(store.list_keys()) == []


def test_delete_prefix_folder(listed: BlobStore) -> None:
    assert listed.delete_prefix("a/") == 2
    assert list(listed.list_keys()) == sorted(k for k in LISTED_KEYS if not k.startswith("a/"))
    assert not listed.exists("a/y/z")


def test_delete_prefix_is_a_string_prefix(listed: BlobStore) -> None:
    assert listed.delete_prefix("b") == 4
    assert list(listed.list_keys()) == ["a.b", "a/x", "a/y/z", "a0", "ab/c"]


def test_delete_prefix_without_matches(listed: BlobStore) -> None:
    assert listed.delete_prefix("nothing/") == 0
    assert list(listed.list_keys()) == sorted(LISTED_KEYS)


def test_delete_prefix_refuses_empty_prefix(listed: BlobStore) -> None:
    with pytest.raises(InvalidBlobKey):
        listed.delete_prefix("")
    assert list(listed.list_keys()) == sorted(LISTED_KEYS)


def test_delete_prefix_more_than_one_batch(store: BlobStore) -> None:
    keys = [f"many/{i:05d}.bin" for i in range(1100)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: store.put_bytes(key, b""), keys))
    store.put_bytes("manyother.bin", b"")
    assert store.delete_prefix("many/") == 1100
    assert list(store.list_keys()) == ["manyother.bin"]


def test_put_after_delete_prefix_recreates_folder(store: BlobStore) -> None:
    store.put_bytes("f/g/h.bin", b"1")
    store.delete_prefix("f/")
    store.put_bytes("f/g/h.bin", b"2")
    assert store.get_bytes("f/g/h.bin") == b"2"


# -- invalid keys -----------------------------------------------------------------------------

BAD_KEYS = ["../escape.bin", "/etc/passwd", "a/../../b", "a/..", "nul\x00.bin", "x" * 513, ""]

KEYED_CALLS: list[Callable[[BlobStore, str], object]] = [
    lambda store, key: store.put_bytes(key, b"x"),
    lambda store, key: store.get_bytes(key),
    lambda store, key: store.iter_range(key),
    lambda store, key: store.stat(key),
    lambda store, key: store.exists(key),
    lambda store, key: store.delete(key),
    lambda store, key: store.local_path(key),
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_invalid_keys_are_refused_everywhere(store: BlobStore, key: str, tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(b"x")

    def put_file(store: BlobStore, key: str) -> None:
        store.put_file(key, source)

    def copy_from(store: BlobStore, key: str) -> None:
        store.copy(key, "target.bin")

    def copy_to(store: BlobStore, key: str) -> None:
        store.copy("source.bin", key)

    for call in [*KEYED_CALLS, put_file, copy_from, copy_to]:
        with pytest.raises(InvalidBlobKey):
            call(store, key)
    assert list(store.list_keys()) == []
    store.put_bytes("source.bin", b"x")
    with pytest.raises(InvalidBlobKey):
        copy_to(store, key)


@pytest.mark.parametrize("prefix", ["../", "/", "a/../", "\x00"])
def test_invalid_prefixes_are_refused(store: BlobStore, prefix: str) -> None:
    with pytest.raises(InvalidBlobKey):
        list(store.list_keys(prefix))
    with pytest.raises(InvalidBlobKey):
        store.delete_prefix(prefix)


# -- concurrency ------------------------------------------------------------------------------


def test_reader_during_overwrite_sees_old_or_new_never_a_mix(
    store: BlobStore, tmp_path: Path
) -> None:
    # Different fills and sizes, so both a mix and a truncation would show.
    old, new = b"\xaa" * (1 << 20), b"\xbb" * ((1 << 20) + 12345)
    versions = {old, new}
    new_file = tmp_path / "new.bin"
    new_file.write_bytes(new)
    store.put_bytes("hot.bin", old)
    stop = threading.Event()
    errors: list[BaseException] = []

    def overwrite() -> None:
        try:
            for turn in range(1000):
                if stop.is_set():
                    return
                if turn % 2:
                    store.put_file("hot.bin", new_file)
                else:
                    store.put_bytes("hot.bin", old)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    writer = threading.Thread(target=overwrite)
    writer.start()
    seen: set[bytes] = set()
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and writer.is_alive():
            whole = store.get_bytes("hot.bin")
            streamed = b"".join(store.iter_range("hot.bin", chunk_size=64 << 10))
            assert whole in versions
            assert streamed in versions
            seen.update((whole, streamed))
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not errors
    assert seen  # the reader read at least once


def test_concurrent_writers_to_distinct_keys(store: BlobStore) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(20):
                store.put_bytes(f"w/{worker}/{i}.bin", _pattern(1000, seed=worker + i))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(list(store.list_keys("w/"))) == 160
    assert store.get_bytes("w/3/7.bin") == _pattern(1000, seed=10)


# -- big blobs --------------------------------------------------------------------------------

BIG_SIZE = 64 << 20


def _write_random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "wb") as file:
        for _ in range(size // (1 << 20)):
            block = os.urandom(1 << 20)
            digest.update(block)
            file.write(block)
    return digest.hexdigest()


def test_big_file_streams_with_bounded_memory(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    expected = _write_random_file(source, BIG_SIZE)
    store.put_file("big/video.bin", source)
    stat = store.stat("big/video.bin")
    assert stat is not None
    assert stat.size == BIG_SIZE

    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        for chunk in store.iter_range("big/video.bin", chunk_size=1 << 20):
            digest.update(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == expected
    assert peak < 16 << 20, f"streaming held {peak} bytes at once"

    tail = b"".join(store.iter_range("big/video.bin", BIG_SIZE - 10))
    with open(source, "rb") as file:
        file.seek(BIG_SIZE - 10)
        assert tail == file.read()


def test_a_derived_image_round_trips_whichever_write_the_store_offers(store: BlobStore) -> None:
    # LocalBlobStore takes put_cache_bytes, S3 (without one) put_bytes.
    key = "derived/acc/file/0123abcd"
    assert save_derived(store, key, "image/webp", b"RIFF....WEBP") == len("image/webp\n") + 12
    assert load_derived(store, key) == ("image/webp", b"RIFF....WEBP")
    save_derived(store, key, "image/jpeg", b"\xff\xd8 replaced")
    assert load_derived(store, key) == ("image/jpeg", b"\xff\xd8 replaced")
