"""Who may fetch transformed URLs: signatures (valid, tampered, expired), private files with
named-only chains, unpublished files; named transformations through the API and the CLI."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

import pytest
import requests

from imagekitio import ImageKit
from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, pixel, two_colour_png
from tests.server.uploads import uploaded

TIMEOUT = 30
NAMED_API = "/v1/x/named-transformations"


def _client(server: LiveServer) -> ImageKit:
    return ImageKit(
        public_key=server.public_key,
        private_key=server.private_key,
        url_endpoint=server.url_endpoint,
    )


def _signed(server: LiveServer, signed_part: str, expiry: int) -> str:
    """Sign ``<path>?<query>`` (after the endpoint) as the SDKs do (docs/reference/delivery.md
    §8.2)."""
    message = f"{signed_part}{expiry}".encode()
    signature = hmac.new(server.private_key.encode(), message, hashlib.sha1).hexdigest()
    joiner = "&" if "?" in signed_part else "?"
    return f"{server.url_endpoint}/{signed_part}{joiner}ik-t={expiry}&ik-s={signature}"


@pytest.fixture(scope="module")
def public_file(live_server: LiveServer) -> dict[str, Any]:
    name = f"{secrets.token_hex(4)}-public.png"
    return uploaded(live_server, two_colour_png(80, 40), name, folder="/access")


@pytest.fixture(scope="module")
def private_file(live_server: LiveServer) -> dict[str, Any]:
    name = f"{secrets.token_hex(4)}-private.png"
    return uploaded(
        live_server, two_colour_png(80, 40), name, folder="/access", isPrivateFile="true"
    )


@pytest.fixture(scope="module")
def thumb(live_server: LiveServer) -> str:
    name = f"thumb_{secrets.token_hex(3)}"
    created = requests.post(
        f"{live_server.base_url}{NAMED_API}",
        json={"name": name, "transformation": "w-20,h-10"},
        auth=live_server.auth,
        timeout=TIMEOUT,
    )
    assert created.status_code == 201, created.text
    return name


def test_signed_transformed_url_valid_tampered_expired(
    live_server: LiveServer, public_file: dict[str, Any]
) -> None:
    client = _client(live_server)
    url = client.url(
        {
            "path": public_file["filePath"],
            "transformation": [{"width": "40"}],
            "signed": True,
            "expire_seconds": 300,
        }
    )
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, response.headers.get("ik-error")
    assert decode(response.content).width == 40
    tampered = requests.get(url.replace("tr:w-40", "tr:w-41"), timeout=TIMEOUT)
    assert tampered.status_code == 401
    path_form = f"tr:w-30{public_file['filePath']}"
    past = int(time.time()) - 10
    expired = requests.get(_signed(live_server, path_form, past), timeout=TIMEOUT)
    assert expired.status_code == 401
    assert expired.headers["ik-error"].startswith("EUNAUTHORIZED")
    future = requests.get(_signed(live_server, path_form, past + 3600), timeout=TIMEOUT)
    assert future.status_code == 200 and decode(future.content).width == 30


def test_private_file_needs_a_signature_unless_named_only(
    live_server: LiveServer, private_file: dict[str, Any], thumb: str
) -> None:
    base = live_server.url_endpoint
    unsigned = requests.get(f"{base}/tr:w-40{private_file['filePath']}", timeout=TIMEOUT)
    assert unsigned.status_code == 401
    original = requests.get(f"{base}{private_file['filePath']}", timeout=TIMEOUT)
    assert original.status_code == 401
    named = requests.get(f"{base}/tr:n-{thumb}{private_file['filePath']}", timeout=TIMEOUT)
    assert named.status_code == 200, named.headers.get("ik-error")
    assert (decode(named.content).width, decode(named.content).height) == (20, 10)
    mixed = requests.get(f"{base}/tr:n-{thumb}:rt-90{private_file['filePath']}", timeout=TIMEOUT)
    assert mixed.status_code == 401
    signed = _signed(live_server, f"tr:w-40{private_file['filePath']}", int(time.time()) + 60)
    assert requests.get(signed, timeout=TIMEOUT).status_code == 200


def test_unpublished_file_is_hidden_unless_signed(live_server: LiveServer) -> None:
    name = f"{secrets.token_hex(4)}-draft.png"
    body = uploaded(live_server, two_colour_png(80, 40), name, isPublished="false")
    response = requests.get(f"{live_server.url_endpoint}/tr:w-40{body['filePath']}", timeout=30)
    assert response.status_code == 404
    signed = _signed(live_server, f"tr:w-40{body['filePath']}", int(time.time()) + 60)
    assert requests.get(signed, timeout=TIMEOUT).status_code == 200


def test_layers_cannot_read_private_or_unpublished_files_unsigned(
    live_server: LiveServer, public_file: dict[str, Any], private_file: dict[str, Any]
) -> None:
    """A public base image must not leak a restricted file's pixels through an `i-` layer."""
    draft = uploaded(
        live_server, two_colour_png(80, 40), f"{secrets.token_hex(4)}-draft.png",
        folder="/access", isPublished="false",
    )  # fmt: skip
    base = public_file["filePath"]

    def layered(layer_file: dict[str, Any]) -> str:
        layer = layer_file["filePath"].strip("/").replace("/", "@@")
        return f"tr:w-80:l-image,i-{layer},w-20,lx-0,ly-0,l-end{base}"

    private = requests.get(f"{live_server.url_endpoint}/{layered(private_file)}", timeout=TIMEOUT)
    assert private.status_code == 401
    assert private.headers["ik-error"].startswith("EUNAUTHORIZED")
    unpublished = requests.get(f"{live_server.url_endpoint}/{layered(draft)}", timeout=TIMEOUT)
    assert unpublished.status_code == 404
    assert unpublished.headers["ik-error"].startswith("ENOENT")
    for restricted in (private_file, draft):
        signed = _signed(live_server, layered(restricted), int(time.time()) + 60)
        response = requests.get(signed, timeout=TIMEOUT)
        assert response.status_code == 200, response.headers.get("ik-error")
        assert decode(response.content).width == 80
        # Rendered once for the signed URL, the composite is still refused without a signature.
        again = requests.get(f"{live_server.url_endpoint}/{layered(restricted)}", timeout=TIMEOUT)
        assert again.status_code in (401, 404)
    public = requests.get(f"{live_server.url_endpoint}/{layered(public_file)}", timeout=TIMEOUT)
    assert public.status_code == 200, public.headers.get("ik-error")


def test_named_transformation_api_crud_and_edits_apply(
    live_server: LiveServer, public_file: dict[str, Any]
) -> None:
    api = f"{live_server.base_url}{NAMED_API}"
    name = f"banner_{secrets.token_hex(3)}"
    auth = live_server.auth
    assert requests.get(api, timeout=TIMEOUT).status_code == 401
    bad = requests.post(api, json={"name": name, "transformation": "w-abc"}, auth=auth, timeout=30)
    assert bad.status_code == 400
    created = requests.post(
        api, json={"name": name, "transformation": "tr:w-60,f-png"}, auth=auth, timeout=TIMEOUT
    )
    assert created.status_code == 201
    assert created.json()["transformation"] == "w-60,f-png"
    again = requests.post(api, json={"name": name, "transformation": "w-1"}, auth=auth, timeout=30)
    assert again.status_code == 409
    assert name in [item["name"] for item in requests.get(api, auth=auth, timeout=30).json()]
    url = f"{live_server.url_endpoint}/tr:n-{name}{public_file['filePath']}"
    first = requests.get(url, timeout=TIMEOUT)
    assert first.headers["content-type"] == "image/png" and decode(first.content).width == 60
    updated = requests.put(
        f"{api}/{name}", json={"transformation": "w-30,f-png"}, auth=auth, timeout=TIMEOUT
    )
    assert updated.status_code == 200
    second = requests.get(url, timeout=TIMEOUT)
    assert decode(second.content).width == 30, "an edited definition applies to new requests"
    assert pixel(second.content, 2, 2)[:3] == [255, 0, 0]
    assert requests.delete(f"{api}/{name}", auth=auth, timeout=TIMEOUT).status_code == 204
    gone = requests.get(url, timeout=TIMEOUT)
    assert gone.status_code == 400
    assert requests.get(f"{api}/{name}", auth=auth, timeout=TIMEOUT).status_code == 404


def test_named_transformations_cli(live_server: LiveServer, public_file: dict[str, Any]) -> None:
    name = f"cli_{secrets.token_hex(3)}"
    created = live_server.cli("named-transformations", "create", name, "w-25,h-25,f-png")
    assert created.returncode == 0, created.stderr
    listed = live_server.cli("named-transformations", "list")
    assert f"{name}\tw-25,h-25,f-png" in listed.stdout.splitlines()
    invalid = live_server.cli("named-transformations", "create", "x", "q-abc")
    assert invalid.returncode == 1 and "invalid transformation" in invalid.stderr
    url = f"{live_server.url_endpoint}/tr:n-{name}{public_file['filePath']}"
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, response.headers.get("ik-error")
    assert (decode(response.content).width, decode(response.content).height) == (25, 25)
    assert live_server.cli("named-transformations", "delete", name).returncode == 0
    assert live_server.cli("named-transformations", "delete", name).returncode == 1
