"""``S3BlobStore``: blobs as objects in an S3 (or S3-compatible) bucket under a key prefix.

S3 replaces an object atomically on every PUT (and on completing a multipart upload), and a GET
reads one version, so the ``BlobStore`` atomicity promises hold without extra work here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from .base import (
    BlobNotFound,
    BlobStat,
    InvalidBlobKey,
    check_range,
    validate_key,
    validate_prefix,
)
from .s3_stream import stream_object

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import (
        CopySourceTypeDef,
        GetObjectOutputTypeDef,
        ObjectIdentifierTypeDef,
    )

__all__ = ["S3BlobStore", "endpoint_from_env", "make_s3_client"]

ENDPOINT_VARIABLES = ("IMAGEKIT_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
# S3 refuses more keys than this in one DeleteObjects request.
_DELETE_BATCH = 1000
_NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
# Files above the threshold go up in parallel parts, so one slow part does not stall the rest.
_TRANSFER = TransferConfig(
    multipart_threshold=16 << 20, multipart_chunksize=8 << 20, max_concurrency=4
)


class S3BlobStore:
    """A ``BlobStore`` keeping each blob in the object ``<prefix>/<key>`` of ``bucket``.

    ``client`` is a boto3 S3 client; boto3 clients are thread-safe, so one serves the store.
    """

    def __init__(self, bucket: str, prefix: str, client: S3Client) -> None:
        if not bucket:
            raise ValueError("S3 bucket name is empty")
        prefix = prefix.strip("/")
        if prefix:
            validate_prefix(prefix)
        self.bucket = bucket
        self.prefix = prefix
        self.client = client
        self._key_start = f"{prefix}/" if prefix else ""

    @classmethod
    def from_url(cls, url: str, environ: Mapping[str, str] | None = None) -> S3BlobStore:
        """Open ``"s3://bucket/prefix"``; endpoint, region and credentials come from the
        environment (see ``endpoint_from_env`` and boto3's usual ``AWS_*`` variables)."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "s3" or not parts.netloc:
            raise ValueError(f"not an s3://bucket/prefix URL: {url!r}")
        env = os.environ if environ is None else environ
        client = make_s3_client(
            endpoint_url=endpoint_from_env(env),
            region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
        )
        return cls(parts.netloc, unquote(parts.path), client)

    def __repr__(self) -> str:
        return f"S3BlobStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    # -- writing ---------------------------------------------------------------------------

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._object_key(key), Body=data)

    def put_file(self, key: str, source: Path) -> None:
        object_key = self._object_key(key)
        if not source.is_file():
            raise FileNotFoundError(f"no such file to store: {source}")
        self.client.upload_file(str(source), self.bucket, object_key, Config=_TRANSFER)

    def copy(self, source_key: str, target_key: str) -> None:
        source: CopySourceTypeDef = {"Bucket": self.bucket, "Key": self._object_key(source_key)}
        target = self._object_key(target_key)
        if source_key == target_key:  # S3 refuses a copy onto itself that changes nothing
            if not self.exists(source_key):
                raise BlobNotFound(source_key)
            return
        try:
            # Server-side; the managed copy switches to multipart copy for big objects.
            self.client.copy(source, self.bucket, target, Config=_TRANSFER)
        except ClientError as exc:
            if _error_code(exc) in _NOT_FOUND_CODES:
                raise BlobNotFound(source_key) from None
            raise

    # -- reading ---------------------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        # Through the resumable stream, so a dropped connection does not fail the read.
        return b"".join(self.iter_range(key, chunk_size=8 << 20))

    def iter_range(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = 1 << 20
    ) -> Iterator[bytes]:
        check_range(start, end)
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
        if end == start:
            return self._nothing_if_exists(key)
        byte_range = None if start == 0 and end is None else _http_range(start, end)
        try:
            response = self._get(key, byte_range)
        except ClientError as exc:
            if _error_code(exc) != "InvalidRange":  # start at or past the end of the blob
                raise
            return self._nothing_if_exists(key)
        return stream_object(
            self.client, self.bucket, self._key_start + key, response, start, chunk_size
        )

    def stat(self, key: str) -> BlobStat | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except ClientError as exc:
            if _error_code(exc) in _NOT_FOUND_CODES:
                return None
            raise
        modified = head["LastModified"].astimezone(timezone.utc)
        return BlobStat(size=head["ContentLength"], modified=modified)

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def local_path(self, key: str) -> Path | None:
        validate_key(key)
        return None

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        validate_prefix(prefix)
        return self._iter_object_keys(prefix)

    # -- deleting --------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        # S3 answers a DELETE of a missing object with success: already idempotent.
        self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix)
        if not prefix:
            raise InvalidBlobKey("refusing to delete an empty prefix (the whole store)")
        removed = 0
        batch: list[ObjectIdentifierTypeDef] = []
        for key in self._iter_object_keys(prefix):
            batch.append({"Key": self._key_start + key})
            if len(batch) == _DELETE_BATCH:
                removed += self._delete_batch(batch)
                batch = []
        if batch:
            removed += self._delete_batch(batch)
        return removed

    def _delete_batch(self, batch: list[ObjectIdentifierTypeDef]) -> int:
        response = self.client.delete_objects(
            Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
        )
        errors = response.get("Errors", [])
        if errors:
            first = errors[0]
            raise OSError(
                f"S3 refused to delete {len(errors)} object(s) in {self.bucket!r}, e.g. "
                f"{first.get('Key')!r}: {first.get('Code')} {first.get('Message')}"
            )
        return len(batch)

    # -- helpers ---------------------------------------------------------------------------

    def _object_key(self, key: str) -> str:
        return self._key_start + validate_key(key)

    def _get(self, key: str, byte_range: str | None = None) -> GetObjectOutputTypeDef:
        object_key = self._object_key(key)
        try:
            if byte_range is None:
                return self.client.get_object(Bucket=self.bucket, Key=object_key)
            return self.client.get_object(Bucket=self.bucket, Key=object_key, Range=byte_range)
        except ClientError as exc:
            if _error_code(exc) in _NOT_FOUND_CODES:
                raise BlobNotFound(key) from None
            raise

    def _nothing_if_exists(self, key: str) -> Iterator[bytes]:
        if not self.exists(key):
            raise BlobNotFound(key)
        return iter(())

    def _iter_object_keys(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self._key_start + prefix)
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self._key_start) :]
                # Console-made "folder" markers end with "/" and are not blobs.
                if key and not key.endswith("/"):
                    yield key


def endpoint_from_env(environ: Mapping[str, str]) -> str | None:
    """The S3 endpoint URL from the first set variable of ``ENDPOINT_VARIABLES``, if any."""
    for name in ENDPOINT_VARIABLES:
        value = environ.get(name)
        if value:
            return value
    return None


def make_s3_client(endpoint_url: str | None = None, region_name: str | None = None) -> S3Client:
    """A boto3 S3 client with bounded timeouts and retries; path-style addressing for a custom
    endpoint (MinIO, moto, Ceph... rarely resolve ``bucket.host`` names)."""
    config = Config(
        connect_timeout=10,
        read_timeout=60,
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=32,
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    # A session of our own: the module-level default session is not thread-safe.
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, region_name=region_name, config=config)


def _http_range(start: int, end: int | None) -> str:
    return f"bytes={start}-" if end is None else f"bytes={start}-{end - 1}"


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
