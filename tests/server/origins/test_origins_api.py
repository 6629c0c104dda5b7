"""``/v1/accounts/origins`` and ``/v1/accounts/url-endpoints`` against a live server:
CRUD, validation, unsupported types refused by name, secrets never echoed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fixtures.live_server import LiveServer
from tests.server.origins.conftest import api, create_endpoint, create_origin

ORIGINS = "/v1/accounts/origins"
ENDPOINTS = "/v1/accounts/url-endpoints"
SECRET = "super-secret-key-value"


def _s3_body(**changes: Any) -> dict[str, Any]:
    body = {
        "type": "S3_COMPATIBLE",
        "name": "bucket",
        "bucket": "images",
        "prefix": "/raw/",
        "accessKey": "AKIA-not-shown",
        "secretKey": SECRET,
        "endpoint": "http://127.0.0.1:9/",
        "s3ForcePathStyle": True,
    }
    body.update(changes)
    return body


def test_origin_lifecycle_never_echoes_secrets(origin_server: LiveServer) -> None:
    created = api(origin_server, "POST", ORIGINS, json=_s3_body())
    assert created.status_code == 200, created.text
    origin = created.json()
    assert origin["type"] == "S3_COMPATIBLE"
    assert origin["bucket"] == "images"
    assert origin["prefix"] == "raw"
    assert origin["endpoint"] == "http://127.0.0.1:9"
    assert origin["s3ForcePathStyle"] is True
    assert origin["includeCanonicalHeader"] is False
    assert len(origin["id"]) == 24
    listed = api(origin_server, "GET", ORIGINS)
    one = api(origin_server, "GET", f"{ORIGINS}/{origin['id']}")
    replaced = api(origin_server, "PUT", f"{ORIGINS}/{origin['id']}", json=_s3_body(name="renamed"))
    for response in (created, listed, one, replaced):
        assert response.status_code == 200
        assert SECRET not in response.text
        assert "AKIA-not-shown" not in response.text
        assert "secretKey" not in response.text and "accessKey" not in response.text
    assert origin["id"] in [item["id"] for item in listed.json()]
    assert replaced.json()["name"] == "renamed"
    assert api(origin_server, "DELETE", f"{ORIGINS}/{origin['id']}").status_code == 204
    assert api(origin_server, "GET", f"{ORIGINS}/{origin['id']}").status_code == 404
    assert api(origin_server, "DELETE", f"{ORIGINS}/{origin['id']}").status_code == 404


def test_web_folder_and_web_proxy_origins(origin_server: LiveServer) -> None:
    folder = create_origin(
        origin_server,
        {"type": "WEB_FOLDER", "name": "site", "baseUrl": "https://example.com/images/"},
    )
    assert folder["baseUrl"] == "https://example.com/images"
    assert folder["forwardHostHeaderToOrigin"] is False
    proxy = create_origin(origin_server, {"type": "WEB_PROXY", "name": "anything"})
    assert proxy["type"] == "WEB_PROXY"


@pytest.mark.parametrize("origin_type", ["CLOUDINARY_BACKUP", "GCS", "AZURE_BLOB", "AKENEO_PIM"])
def test_unimplemented_origin_types_are_refused_by_name(
    origin_server: LiveServer, origin_type: str
) -> None:
    response = api(origin_server, "POST", ORIGINS, json={"type": origin_type, "name": "x"})
    assert response.status_code == 400
    assert origin_type in response.json()["message"]
    assert "not supported" in response.json()["message"]
    assert "help" in response.json()


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"type": "FTP", "name": "x"}, "Invalid origin type"),
        ({"type": "S3", "name": "x", "bucket": "b", "accessKey": "a"}, "secretKey"),
        (_s3_body(endpoint="ftp://host"), "endpoint"),
        (_s3_body(s3ForcePathStyle="yes"), "s3ForcePathStyle"),
        ({"type": "WEB_FOLDER", "name": "x"}, "baseUrl"),
        ({"type": "WEB_PROXY"}, "name"),
    ],
)
def test_origin_validation(origin_server: LiveServer, body: dict[str, Any], fragment: str) -> None:
    response = api(origin_server, "POST", ORIGINS, json=body)
    assert response.status_code == 400
    assert fragment in response.json()["message"]


def test_origin_requests_need_the_private_key(origin_server: LiveServer) -> None:
    import requests

    anonymous = requests.get(f"{origin_server.base_url}{ORIGINS}", timeout=10)
    wrong = requests.get(f"{origin_server.base_url}{ORIGINS}", auth=("nope", ""), timeout=10)
    assert anonymous.status_code == 401
    assert wrong.status_code == 403


def test_url_endpoint_lifecycle(origin_server: LiveServer) -> None:
    first = create_origin(origin_server, {"type": "WEB_PROXY", "name": "p"})
    second = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "w", "baseUrl": "http://127.0.0.1:9"}
    )
    third = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "w2", "baseUrl": "http://127.0.0.1:9"}
    )
    endpoint = create_endpoint(
        origin_server, [second["id"], third["id"]], urlRewriter={"type": "IMGIX"}
    )
    assert endpoint["origins"] == [second["id"], third["id"]]
    assert endpoint["urlRewriter"] == {"type": "IMGIX"}
    listed = api(origin_server, "GET", ENDPOINTS).json()
    assert listed[0]["id"] == "default" and listed[0]["urlPrefix"] == ""
    assert endpoint["id"] in [item["id"] for item in listed]
    path = f"{ENDPOINTS}/{endpoint['id']}"
    replaced = api(
        origin_server,
        "PUT",
        path,
        json={
            "description": "now cloudinary",
            "urlPrefix": endpoint["urlPrefix"],
            "origins": [third["id"]],
            "urlRewriter": {"type": "CLOUDINARY", "preserveAssetDeliveryTypes": True},
        },
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["urlRewriter"] == {
        "type": "CLOUDINARY",
        "preserveAssetDeliveryTypes": True,
    }
    assert api(origin_server, "GET", path).json() == replaced.json()
    in_use = api(origin_server, "DELETE", f"{ORIGINS}/{third['id']}")
    assert in_use.status_code == 409
    proxy_mixed = api(
        origin_server,
        "PUT",
        path,
        json={**replaced.json(), "origins": [first["id"], third["id"]]},
    )
    assert proxy_mixed.status_code == 400
    assert "WEB_PROXY" in proxy_mixed.json()["message"]
    assert api(origin_server, "DELETE", path).status_code == 204
    assert api(origin_server, "GET", path).status_code == 404
    assert api(origin_server, "DELETE", f"{ORIGINS}/{third['id']}").status_code == 204


def test_default_endpoint_is_fixed(origin_server: LiveServer) -> None:
    default = api(origin_server, "GET", f"{ENDPOINTS}/default")
    assert default.status_code == 200
    assert default.json()["origins"] == []
    assert api(origin_server, "DELETE", f"{ENDPOINTS}/default").status_code == 400
    changed = api(
        origin_server,
        "PUT",
        f"{ENDPOINTS}/default",
        json={"description": "x", "urlPrefix": "x", "origins": []},
    )
    assert changed.status_code == 400


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"urlPrefix": "a/b"}, "urlPrefix"),
        ({"urlPrefix": "ik-seo"}, "urlPrefix"),
        ({"urlPrefix": ""}, "urlPrefix"),
        ({"origins": []}, "origins"),
        ({"origins": ["0" * 24]}, "Unknown origin"),
        ({"description": ""}, "description"),
        ({"urlRewriter": {"type": "FASTLY"}}, "urlRewriter"),
    ],
)
def test_url_endpoint_validation(
    origin_server: LiveServer, changes: dict[str, Any], fragment: str
) -> None:
    origin = create_origin(origin_server, {"type": "WEB_PROXY", "name": "p"})
    body = {"description": "d", "urlPrefix": "valid-prefix", "origins": [origin["id"]]}
    body.update(changes)
    response = api(origin_server, "POST", ENDPOINTS, data=json.dumps(body))
    assert response.status_code == 400, response.text
    assert fragment in response.json()["message"]


def test_url_prefixes_are_unique_per_account(origin_server: LiveServer) -> None:
    origin = create_origin(origin_server, {"type": "WEB_PROXY", "name": "p"})
    taken = create_endpoint(origin_server, [origin["id"]])["urlPrefix"]
    again = api(
        origin_server,
        "POST",
        ENDPOINTS,
        json={"description": "d", "urlPrefix": taken, "origins": [origin["id"]]},
    )
    assert again.status_code == 409


def test_cli_creates_lists_and_deletes_origins(origin_server: LiveServer) -> None:
    created = origin_server.cli(
        "origins",
        "create",
        "S3_COMPATIBLE",
        "from-cli",
        "--bucket",
        "photos",
        "--access-key",
        "AKIA-cli",
        "--secret-key",
        SECRET,
        "--endpoint",
        "http://127.0.0.1:9",
        "--s3-force-path-style",
    )
    assert created.returncode == 0, created.stderr
    origin_id = created.stdout.split("\t")[0]
    listed = origin_server.cli("origins", "list")
    assert origin_id in listed.stdout
    assert SECRET not in listed.stdout + created.stdout
    seen = api(origin_server, "GET", f"{ORIGINS}/{origin_id}").json()
    assert seen["bucket"] == "photos" and seen["s3ForcePathStyle"] is True
    refused = origin_server.cli("origins", "create", "GCS", "nope")
    assert refused.returncode == 1
    assert "GCS is not supported" in refused.stderr
    assert origin_server.cli("origins", "delete", origin_id).returncode == 0
    assert api(origin_server, "GET", f"{ORIGINS}/{origin_id}").status_code == 404
    assert origin_server.cli("origins", "delete", origin_id).returncode == 1
