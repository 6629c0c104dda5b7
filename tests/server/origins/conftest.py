"""A live server whose fetch guard allows 127.0.0.0/8 (set explicitly), with short origin
limits, next to a web folder and an S3 bucket (moto) holding the same images."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.origins.peers import WebFolder, web_folder

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

TIMEOUT = 30
ORIGIN_TIMEOUT = 2.0  # short for the slow-origin tests, long enough under load
ORIGIN_ENV = {
    "IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8",
    "IMAGEKIT_ORIGIN_TIMEOUT": str(ORIGIN_TIMEOUT),
    "IMAGEKIT_ORIGIN_REVALIDATE": "3600",
    "IMAGEKIT_USAGE_FLUSH": "0.2",
}


@pytest.fixture(scope="module")
def origin_server(
    tmp_path_factory: pytest.TempPathFactory, s3_env: dict[str, str]
) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("imagekit-data"), {**s3_env, **ORIGIN_ENV})
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebFolder]:
    with web_folder(tmp_path_factory.mktemp("web-folder")) as served:
        yield served


@pytest.fixture(scope="module")
def origin_bucket(s3_admin_client: S3Client) -> Iterator[str]:
    bucket = f"ik-origin-{secrets.token_hex(5)}"
    s3_admin_client.create_bucket(Bucket=bucket)
    yield bucket
    for page in s3_admin_client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3_admin_client.delete_object(Bucket=bucket, Key=item["Key"])
    s3_admin_client.delete_bucket(Bucket=bucket)


def api(server: LiveServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(
        method, f"{server.base_url}{path}", auth=server.auth, timeout=TIMEOUT, **kwargs
    )


def create_origin(server: LiveServer, body: dict[str, Any]) -> dict[str, Any]:
    response = api(server, "POST", "/v1/accounts/origins", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def create_endpoint(server: LiveServer, origin_ids: list[str], **extra: Any) -> dict[str, Any]:
    body = {
        "description": "test endpoint",
        "urlPrefix": f"ep{secrets.token_hex(4)}",
        "origins": origin_ids,
        **extra,
    }
    response = api(server, "POST", "/v1/accounts/url-endpoints", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def s3_origin_body(bucket: str, endpoint: str, prefix: str = "") -> dict[str, Any]:
    return {
        "type": "S3_COMPATIBLE",
        "name": "moto bucket",
        "bucket": bucket,
        "prefix": prefix,
        "accessKey": "testing",
        "secretKey": "testing-secret-never-echoed",
        "endpoint": endpoint,
        "s3ForcePathStyle": True,
    }


def write_file(root: Path, relative: str, data: bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
