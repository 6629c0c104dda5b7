"""Origins end to end, on SQLite + local disk and on PostgreSQL + S3: an image uploaded through
the SDK and the same image in an S3 bucket (moto) give the same pixels for the same SDK-built
transformation URL, signed or not; usage counts what was delivered."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
import requests

from imagekitio import ImageKit
from imagekitio.models.UploadFileRequestOptions import UploadFileRequestOptions
from tests.fixtures.live_server import LiveServer, fresh_postgres_database
from tests.server.media import decode, pixel, two_colour_png

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

TIMEOUT = 30
ALLOW_LOOPBACK = {"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8"}


@pytest.fixture(scope="module", params=["sqlite-local", "postgres-s3"])
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    s3_env: dict[str, str],
    s3_new_bucket_url: Callable[[], str],
) -> Iterator[LiveServer]:
    env = {**s3_env, **ALLOW_LOOPBACK}
    drop: Callable[[], None] | None = None
    if request.param == "postgres-s3":
        env["DATABASE_URL"], drop = fresh_postgres_database()
        env["IMAGEKIT_STORAGE"] = s3_new_bucket_url()
    live = LiveServer(tmp_path_factory.mktemp("imagekit-data"), env)
    live.start()
    yield live
    live.stop()
    if drop is not None:
        drop()


@pytest.fixture(scope="module")
def bucket(s3_new_bucket_url: Callable[[], str]) -> str:
    return s3_new_bucket_url().removeprefix("s3://").split("/", 1)[0]


def _client(server: LiveServer, url_endpoint: str) -> ImageKit:
    return ImageKit(
        public_key=server.public_key,
        private_key=server.private_key,
        url_endpoint=url_endpoint,
        api_base_url=server.base_url,
        upload_base_url=server.base_url,
    )


def _post(server: LiveServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(
        f"{server.base_url}{path}", json=body, auth=server.auth, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def test_uploaded_and_origin_images_give_the_same_pixels(
    server: LiveServer, bucket: str, s3_admin_client: S3Client, s3_server: str
) -> None:
    image = two_colour_png(120, 60)
    folder = f"/e2e-origins-{secrets.token_hex(3)}"
    library = _client(server, server.url_endpoint)
    uploaded = library.upload_file(
        file=image,
        file_name="pair.png",
        options=UploadFileRequestOptions(folder=folder, use_unique_file_name=False),
    )
    s3_admin_client.put_object(Bucket=bucket, Key=f"{folder[1:]}/pair.png", Body=image)
    origin = _post(
        server,
        "/v1/accounts/origins",
        {
            "type": "S3_COMPATIBLE",
            "name": "moto",
            "bucket": bucket,
            "accessKey": "testing",
            "secretKey": "testing",
            "endpoint": s3_server,
            "s3ForcePathStyle": True,
        },
    )
    endpoint = _post(
        server,
        "/v1/accounts/url-endpoints",
        {"description": "bucket", "urlPrefix": "bucket", "origins": [origin["id"]]},
    )
    from_bucket = _client(server, f"{server.url_endpoint}/{endpoint['urlPrefix']}")
    transformation = [{"width": 60, "height": 20, "format": "png"}]
    outputs = []
    for client, signed in ((library, False), (from_bucket, False), (from_bucket, True)):
        options: dict[str, Any] = {
            "path": uploaded.file_path,
            "transformation": transformation,
        }
        if signed:
            options.update(signed=True, expire_seconds=300)
        response = requests.get(client.url(options), timeout=TIMEOUT)
        assert response.status_code == 200, response.headers.get("ik-error")
        outputs.append(response.content)
    first = decode(outputs[0])
    assert (first.width, first.height) == (60, 20)
    assert pixel(outputs[0], 5, 10)[:3] == [255, 0, 0]
    assert pixel(outputs[0], 55, 10)[:3] == [0, 0, 255]
    for other in outputs[1:]:
        assert decode(other).write_to_memory() == first.write_to_memory()

    today = datetime.now(timezone.utc).date()
    usage = requests.get(
        f"{server.base_url}/v1/accounts/usage",
        params={"startDate": today.isoformat(), "endDate": (today + timedelta(1)).isoformat()},
        auth=server.auth,
        timeout=TIMEOUT,
    ).json()
    assert usage["bandwidthBytes"] == sum(len(output) for output in outputs)
    assert usage["originalCacheStorageBytes"] == len(image)
    assert usage["mediaLibraryStorageBytes"] >= len(image)
