"""What only the S3 backend promises: URL parsing, key prefixes, multipart, resumed streams."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from imagekit_server.storage import BlobReadInterrupted, BlobStore, open_store
from imagekit_server.storage.s3 import S3BlobStore, endpoint_from_env, make_s3_client

from .cutting_proxy import CuttingProxy

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_store(s3_store_url: str) -> S3BlobStore:
    store = open_store(s3_store_url)
    assert isinstance(store, S3BlobStore)
    return store


@pytest.fixture
def proxy(s3_server: str) -> Iterator[CuttingProxy]:
    parts = urlsplit(s3_server)
    assert parts.hostname is not None and parts.port is not None
    with CuttingProxy((parts.hostname, parts.port)) as running:
        yield running


def _raw_keys(client: S3Client, bucket: str) -> list[str]:
    response = client.list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in response.get("Contents", [])]


# -- URLs and environment ---------------------------------------------------------------------


def test_open_store_parses_bucket_and_prefix(s3_store: S3BlobStore, s3_store_url: str) -> None:
    assert s3_store.bucket == urlsplit(s3_store_url).netloc
    assert s3_store.prefix == "store"


@pytest.mark.parametrize(
    ("suffix", "prefix"), [("", ""), ("/", ""), ("/a/b/", "a/b"), ("/a%2Db", "a-b")]
)
def test_url_prefix_forms(s3_store_url: str, suffix: str, prefix: str) -> None:
    bucket = urlsplit(s3_store_url).netloc
    store = S3BlobStore.from_url(f"s3://{bucket}{suffix}")
    assert (store.bucket, store.prefix) == (bucket, prefix)


@pytest.mark.parametrize("url", ["s3://", "s3:///prefix", "http://bucket/prefix"])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        S3BlobStore.from_url(url, environ={})


def test_bad_prefix_is_refused(s3_store: S3BlobStore) -> None:
    with pytest.raises(ValueError):
        S3BlobStore("bucket", "a/../b", s3_store.client)


def test_endpoint_variable_precedence() -> None:
    everything = {
        "IMAGEKIT_S3_ENDPOINT_URL": "http://ik",
        "AWS_ENDPOINT_URL_S3": "http://s3",
        "AWS_ENDPOINT_URL": "http://any",
    }
    assert endpoint_from_env(everything) == "http://ik"
    assert endpoint_from_env({**everything, "IMAGEKIT_S3_ENDPOINT_URL": ""}) == "http://s3"
    assert endpoint_from_env({"AWS_ENDPOINT_URL": "http://any"}) == "http://any"
    assert endpoint_from_env({}) is None


def test_from_url_reads_endpoint_from_given_environ(
    s3_store_url: str, s3_env: dict[str, str]
) -> None:
    bucket = urlsplit(s3_store_url).netloc
    environ = {"AWS_ENDPOINT_URL_S3": s3_env["IMAGEKIT_S3_ENDPOINT_URL"]}
    store = S3BlobStore.from_url(f"s3://{bucket}/x", environ=environ)
    assert store.client.meta.endpoint_url == s3_env["IMAGEKIT_S3_ENDPOINT_URL"]
    store.put_bytes("k", b"v")
    assert store.get_bytes("k") == b"v"


# -- key layout -------------------------------------------------------------------------------


def test_objects_live_under_the_prefix(s3_store: S3BlobStore, s3_admin_client: S3Client) -> None:
    s3_store.put_bytes("a/b.jpg", b"x")
    assert _raw_keys(s3_admin_client, s3_store.bucket) == ["store/a/b.jpg"]


def test_stores_with_different_prefixes_are_isolated(
    s3_store: S3BlobStore, s3_admin_client: S3Client
) -> None:
    sibling = S3BlobStore(s3_store.bucket, "store2", s3_store.client)
    whole_bucket = S3BlobStore(s3_store.bucket, "", s3_store.client)
    s3_store.put_bytes("k.bin", b"1")
    sibling.put_bytes("k.bin", b"2")
    assert list(s3_store.list_keys()) == ["k.bin"]
    assert sibling.get_bytes("k.bin") == b"2"
    assert list(whole_bucket.list_keys()) == ["store/k.bin", "store2/k.bin"]
    assert s3_store.delete_prefix("k") == 1
    assert _raw_keys(s3_admin_client, s3_store.bucket) == ["store2/k.bin"]


def test_folder_markers_are_not_listed(s3_store: S3BlobStore, s3_admin_client: S3Client) -> None:
    s3_admin_client.put_object(Bucket=s3_store.bucket, Key="store/folder/", Body=b"")
    s3_store.put_bytes("folder/a.bin", b"a")
    assert list(s3_store.list_keys()) == ["folder/a.bin"]


def test_local_path_is_none(s3_store: S3BlobStore) -> None:
    s3_store.put_bytes("a.bin", b"a")
    assert s3_store.local_path("a.bin") is None


def test_big_put_file_goes_up_in_parts(
    s3_store: S3BlobStore, s3_admin_client: S3Client, tmp_path: Path
) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(20 << 20))
    s3_store.put_file("big.bin", source)
    head = s3_admin_client.head_object(Bucket=s3_store.bucket, Key="store/big.bin")
    assert head["ETag"].strip('"').endswith("-3")  # 8 MiB parts: 8 + 8 + 4
    assert s3_store.get_bytes("big.bin") == source.read_bytes()


# -- resuming broken streams ------------------------------------------------------------------

BLOB_SIZE = 4 << 20


def _store_behind(proxy: CuttingProxy, store: S3BlobStore) -> S3BlobStore:
    return S3BlobStore(store.bucket, store.prefix, make_s3_client(proxy.endpoint, "us-east-1"))


def test_broken_stream_resumes_where_it_stopped(s3_store: S3BlobStore, proxy: CuttingProxy) -> None:
    data = os.urandom(BLOB_SIZE)
    s3_store.put_bytes("v.bin", data)
    remote = _store_behind(proxy, s3_store)
    proxy.arm(cut_after=1 << 20)
    streamed = b"".join(remote.iter_range("v.bin", 100, chunk_size=64 << 10))
    assert hashlib.sha256(streamed).digest() == hashlib.sha256(data[100:]).digest()
    assert proxy.connections == 2  # the cut one, then the resumption


def test_broken_ranged_stream_resumes_within_its_range(
    s3_store: S3BlobStore, proxy: CuttingProxy
) -> None:
    data = os.urandom(BLOB_SIZE)
    s3_store.put_bytes("v.bin", data)
    remote = _store_behind(proxy, s3_store)
    proxy.arm(cut_after=1 << 20)
    streamed = b"".join(remote.iter_range("v.bin", 10, 3_000_000, chunk_size=50_000))
    assert streamed == data[10:3_000_000]
    assert proxy.connections == 2


@pytest.mark.parametrize("change", ["overwrite", "delete"])
def test_stream_does_not_resume_onto_another_version(
    s3_store: S3BlobStore, proxy: CuttingProxy, change: str
) -> None:
    old = b"\xaa" * BLOB_SIZE
    s3_store.put_bytes("v.bin", old)
    remote = _store_behind(proxy, s3_store)
    proxy.arm(cut_after=1 << 20)
    stream = remote.iter_range("v.bin", chunk_size=64 << 10)
    received = next(stream)
    if change == "overwrite":
        s3_store.put_bytes("v.bin", b"\xbb" * BLOB_SIZE)
    else:
        s3_store.delete("v.bin")
    with pytest.raises(BlobReadInterrupted, match="changed or vanished"):
        for chunk in stream:
            received += chunk
    assert len(received) < BLOB_SIZE
    assert received == old[: len(received)]


def test_s3_store_satisfies_protocol(s3_store: S3BlobStore) -> None:
    assert isinstance(s3_store, BlobStore)


def test_big_copy_is_server_side_and_complete(
    s3_store: S3BlobStore, s3_admin_client: S3Client, tmp_path: Path
) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(20 << 20))
    s3_store.put_file("big.bin", source)
    s3_store.copy("big.bin", "copy/big.bin")
    head = s3_admin_client.head_object(Bucket=s3_store.bucket, Key="store/copy/big.bin")
    assert head["ContentLength"] == 20 << 20
    assert head["ETag"].strip('"').endswith("-3")  # copied part by part, on the server
    assert s3_store.get_bytes("copy/big.bin") == source.read_bytes()


def test_bucket_factory_makes_distinct_empty_buckets(
    s3_new_bucket_url: Callable[[], str], s3_store_url: str
) -> None:
    first, second = s3_new_bucket_url(), s3_new_bucket_url()
    assert first != second
    store = open_store(first)
    store.put_bytes("only-in-first.bin", b"1")
    assert list(open_store(second).list_keys()) == []
    assert list(store.list_keys()) == ["only-in-first.bin"]


def test_get_bytes_survives_a_broken_connection(s3_store: S3BlobStore, proxy: CuttingProxy) -> None:
    data = os.urandom(BLOB_SIZE)
    s3_store.put_bytes("v.bin", data)
    remote = _store_behind(proxy, s3_store)
    proxy.arm(cut_after=1 << 20)
    assert remote.get_bytes("v.bin") == data
    assert proxy.connections == 2
