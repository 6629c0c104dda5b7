"""An S3 bucket (or any S3-compatible store): key prefixes become folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imagekit_server.importing.items import Fetch, ImportFile, ImportVersion

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/prefix`` -> (bucket, "prefix/") ; the prefix may be empty."""
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {url}")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


class S3Source:
    def __init__(self, url: str, endpoint_url: str | None = None) -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = parse_s3_url(url)
        endpoint = endpoint_url or os.environ.get("IMAGEKIT_S3_ENDPOINT_URL") or None
        # One client shared by the worker threads (boto3 clients are thread-safe), with a
        # connection pool as large as any --jobs.
        self.client: S3Client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint,
            config=Config(max_pool_connections=64, retries={"mode": "standard"}),
        )

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def count(self) -> int:
        return sum(1 for _ in self._objects())

    def files(self) -> Iterator[ImportFile]:
        for key, size, etag in self._objects():
            folder, _, name = key[len(self.prefix) :].rpartition("/")
            version = ImportVersion(
                key=f"{key}@{etag}",
                fetch=self._fetcher(key),
                size=size,
            )
            yield ImportFile(folder=f"/{folder}", name=name, versions=[version])

    def custom_metadata_fields(self) -> list[dict[str, Any]]:
        return []

    def _objects(self) -> Iterator[tuple[str, int, str]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"]
                if key.endswith("/"):
                    continue  # a "folder" placeholder object
                yield key, item.get("Size", 0), item.get("ETag", "").strip('"')

    def _fetcher(self, key: str) -> Fetch:
        def fetch(temp: Path) -> Path:
            self.client.download_file(self.bucket, key, str(temp))
            return temp

        return fetch
