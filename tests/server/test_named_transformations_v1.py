"""ImageKit's ``/v1/named-transformations`` (keyed by id, with ``enabled``) over the same store
as ``/v1/x/named-transformations``; edits and disabling apply to delivered URLs."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, pixel, two_colour_png
from tests.server.uploads import uploaded

TIMEOUT = 30


@pytest.fixture(scope="module")
def public_file(live_server: LiveServer) -> dict[str, Any]:
    name = f"{secrets.token_hex(4)}.png"
    return uploaded(live_server, two_colour_png(80, 40), name, folder="/named-v1")


def _api(server: LiveServer, suffix: str = "") -> str:
    return f"{server.base_url}/v1/named-transformations{suffix}"


def _send(server: LiveServer, method: str, suffix: str = "", **body: Any) -> requests.Response:
    return requests.request(
        method, _api(server, suffix), json=body or None, auth=server.auth, timeout=TIMEOUT
    )


def test_crud_by_id_and_delivery(live_server: LiveServer, public_file: dict[str, Any]) -> None:
    name = f"card_{secrets.token_hex(3)}"
    created = _send(live_server, "POST", name=name, transformation="w-40,f-png")
    assert created.status_code == 201, created.text
    item = created.json()
    assert set(item) == {"id", "name", "transformation", "enabled", "createdAt", "updatedAt"}
    assert (item["name"], item["transformation"], item["enabled"]) == (name, "w-40,f-png", True)
    assert item["id"] in [listed["id"] for listed in _send(live_server, "GET").json()]
    assert _send(live_server, "GET", f"/{item['id']}").json() == item
    # The name-keyed extension API sees the same store.
    by_name = requests.get(
        f"{live_server.base_url}/v1/x/named-transformations/{name}",
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert by_name.json()["transformation"] == "w-40,f-png"

    url = f"{live_server.url_endpoint}/tr:n-{name}{public_file['filePath']}"
    assert decode(requests.get(url, timeout=TIMEOUT).content).width == 40
    edited = _send(live_server, "PATCH", f"/{item['id']}", transformation="w-20,f-png")
    assert (edited.json()["transformation"], edited.json()["enabled"]) == ("w-20,f-png", True)
    image = requests.get(url, timeout=TIMEOUT).content
    assert decode(image).width == 20
    assert pixel(image, 2, 2)[:3] == [255, 0, 0]

    disabled = _send(live_server, "PATCH", f"/{item['id']}", enabled=False)
    assert disabled.json()["enabled"] is False
    assert disabled.json()["transformation"] == "w-20,f-png"
    assert requests.get(url, timeout=TIMEOUT).status_code == 400
    enabled = _send(live_server, "PATCH", f"/{item['id']}", enabled=True)
    assert enabled.json()["enabled"] is True
    assert requests.get(url, timeout=TIMEOUT).status_code == 200

    assert _send(live_server, "DELETE", f"/{item['id']}").status_code == 204
    assert _send(live_server, "GET", f"/{item['id']}").status_code == 404
    assert requests.get(url, timeout=TIMEOUT).status_code == 400


def test_rename_keeps_the_id_and_moves_the_url(
    live_server: LiveServer, public_file: dict[str, Any]
) -> None:
    old, new = f"old_{secrets.token_hex(3)}", f"new_{secrets.token_hex(3)}"
    item_id = _send(live_server, "POST", name=old, transformation="w-30,f-png").json()["id"]
    renamed = _send(live_server, "PATCH", f"/{item_id}", name=new)
    assert (renamed.json()["id"], renamed.json()["name"]) == (item_id, new)
    base = f"{live_server.url_endpoint}/tr:n-{{}}{public_file['filePath']}"
    assert decode(requests.get(base.format(new), timeout=TIMEOUT).content).width == 30
    assert requests.get(base.format(old), timeout=TIMEOUT).status_code == 400


def test_created_disabled_and_refusals(live_server: LiveServer) -> None:
    name = f"off_{secrets.token_hex(3)}"
    created = _send(live_server, "POST", name=name, transformation="w-10", enabled=False)
    assert created.json()["enabled"] is False
    taken = _send(live_server, "POST", name=name, transformation="w-10")
    assert taken.status_code == 409
    other = _send(live_server, "POST", name=f"x_{secrets.token_hex(3)}", transformation="w-10")
    rename_onto = _send(live_server, "PATCH", f"/{other.json()['id']}", name=name)
    assert rename_onto.status_code == 409
    assert _send(live_server, "POST", name=name + "2", transformation="w-abc").status_code == 400
    not_bool = _send(live_server, "PATCH", f"/{created.json()['id']}", enabled="yes")
    assert not_bool.status_code == 400
    assert _send(live_server, "PATCH", "/000000000000000000000000", enabled=True).status_code == 404
    assert _send(live_server, "DELETE", "/000000000000000000000000").status_code == 404
    assert requests.get(_api(live_server), timeout=TIMEOUT).status_code == 401
