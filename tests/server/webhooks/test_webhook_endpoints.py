"""``/v1/accounts/webhooks`` and ``imagekit-server webhooks``: endpoints are created, listed
(without secrets), read, deleted; bad input is a 400 in ImageKit's shape."""

from __future__ import annotations

import json

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.uploads import TIMEOUT, assert_error
from tests.server.webhooks.hooks import create_endpoint

ROUTE = "/v1/accounts/webhooks"


def _call(server: LiveServer, method: str, path: str = "", **kwargs: object) -> requests.Response:
    return requests.request(
        method, f"{server.base_url}{ROUTE}{path}", auth=server.auth, timeout=TIMEOUT, **kwargs
    )


def test_endpoints_are_created_listed_read_and_deleted(live_server: LiveServer) -> None:
    created = create_endpoint(
        live_server, "https://hooks.example.com/a", events=["file.deleted", "file.created"]
    )
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["file.created", "file.deleted"]
    assert created["enabled"] is True
    listed = _call(live_server, "GET").json()
    assert created["id"] in [item["id"] for item in listed]
    assert all("secret" not in item for item in listed)
    one = _call(live_server, "GET", f"/{created['id']}").json()
    assert one["secret"] == created["secret"]
    assert _call(live_server, "DELETE", f"/{created['id']}").status_code == 204
    assert_error(_call(live_server, "DELETE", f"/{created['id']}"), 404)
    assert_error(_call(live_server, "GET", f"/{created['id']}"), 404)
    assert _call(live_server, "GET", "/secret").json()["secret"].startswith("whsec_")
    assert _call(live_server, "GET", "/deliveries").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "ftp://example.com/x"},
        {"url": "https://"},
        {"url": 5},
        {"url": "https://example.com", "events": []},
        {"url": "https://example.com", "events": [f"file.e{n}" for n in range(51)]},
        {"url": "https://example.com", "events": "file.created"},
        {"url": "https://example.com/" + "x" * 2100},
        {"url": "https://example.com", "events": ["not an event"]},
        {"url": "https://example.com", "enabled": "yes"},
        {"url": "https://example.com", "colour": "red"},
    ],
)
def test_bad_endpoints_are_refused(live_server: LiveServer, body: dict[str, object]) -> None:
    assert_error(_call(live_server, "POST", json=body), 400)


def test_bad_delivery_queries_are_refused(live_server: LiveServer) -> None:
    assert_error(_call(live_server, "GET", "/deliveries", params={"status": "lost"}), 400)
    assert_error(_call(live_server, "GET", "/deliveries", params={"limit": "0"}), 400)
    assert_error(_call(live_server, "GET", "/deliveries", params={"skip": "-1"}), 400)


def test_routes_need_the_private_key(live_server: LiveServer) -> None:
    response = requests.get(f"{live_server.base_url}{ROUTE}", timeout=TIMEOUT)
    assert response.status_code == 401


def test_cli_creates_lists_and_deletes(live_server: LiveServer) -> None:
    created = live_server.cli(
        "webhooks", "create", "https://hooks.example.com/cli", "--event", "file.updated"
    )
    assert created.returncode == 0, created.stderr
    endpoint_id, shown = created.stdout.strip().split("\t")
    assert json.loads(shown)["secret"].startswith("whsec_")
    listed = live_server.cli("webhooks", "list")
    assert endpoint_id in listed.stdout and "whsec_" not in listed.stdout
    api_listed = _call(live_server, "GET").json()
    assert {"id": endpoint_id, "events": ["file.updated"]}.items() <= next(
        item for item in api_listed if item["id"] == endpoint_id
    ).items()
    assert live_server.cli("webhooks", "delete", endpoint_id).returncode == 0
    missing = live_server.cli("webhooks", "delete", endpoint_id)
    assert missing.returncode == 1 and "no webhook endpoint" in missing.stderr
    refused = live_server.cli("webhooks", "create", "ftp://x")
    assert refused.returncode == 1 and "url" in refused.stderr
