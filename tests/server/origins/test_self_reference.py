"""Origins pointing back at this server are refused when created or replaced (a loop would
stall each request for the origin timeout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagekit_server.origins.self_reference import points_at_this_server
from imagekit_server.settings import Settings
from tests.fixtures.live_server import LiveServer
from tests.server.origins.conftest import api
from tests.server.origins.peers import WebFolder

ORIGINS = "/v1/accounts/origins"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/images", True),
        ("http://localhost:8000", True),
        ("http://[::ffff:127.0.0.1]:8000/", True),
        ("https://img.example.com/", True),  # the public URL (default port 443)
        ("https://IMG.example.com:443/a", True),
        ("http://img.example.com/", False),  # port 80 is another server
        ("http://127.0.0.1:8001/", False),
        ("http://10.0.0.5:8000/", False),
        ("http://127.0.0.2:8000/", False),  # it listens on 127.0.0.1 only
        ("not a url", False),
    ],
)
def test_points_at_this_server(url: str, expected: bool, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, host="127.0.0.1", port=8000, public_url="https://img.example.com"
    )
    assert points_at_this_server(url, settings) is expected


def test_a_wildcard_listener_is_reached_on_every_loopback_address(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, host="0.0.0.0", port=9000)
    assert points_at_this_server("http://127.0.0.2:9000/", settings)
    assert points_at_this_server("http://[::1]:9000/", settings)
    assert not points_at_this_server("http://127.0.0.1:9001/", settings)


def test_api_refuses_self_pointing_origins(origin_server: LiveServer, folder: WebFolder) -> None:
    own = origin_server.base_url
    web_folder = {"type": "WEB_FOLDER", "name": "loop", "baseUrl": f"{own}/demo"}
    refused = api(origin_server, "POST", ORIGINS, json=web_folder)
    assert refused.status_code == 400, refused.text
    assert "baseUrl" in refused.json()["message"]
    s3 = {
        "type": "S3_COMPATIBLE",
        "name": "loop",
        "bucket": "b",
        "accessKey": "a",
        "secretKey": "s",
        "endpoint": own.replace("127.0.0.1", "localhost"),
    }
    refused_s3 = api(origin_server, "POST", ORIGINS, json=s3)
    assert refused_s3.status_code == 400 and "endpoint" in refused_s3.json()["message"]

    elsewhere = {**web_folder, "baseUrl": folder.base_url}
    created = api(origin_server, "POST", ORIGINS, json=elsewhere)
    assert created.status_code == 200, created.text
    origin_id = created.json()["id"]
    replaced = api(origin_server, "PUT", f"{ORIGINS}/{origin_id}", json=web_folder)
    assert replaced.status_code == 400
    kept = api(origin_server, "GET", f"{ORIGINS}/{origin_id}")
    assert kept.json()["baseUrl"] == folder.base_url.rstrip("/")
