"""An account's delivery security settings, changed with ``accounts update`` while the server
runs: "restrict unnamed transformations" and "require signed URLs" apply to every delivery,
variants already in the memory cache included; signed URLs still work."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from imagekitio import ImageKit
from tests.fixtures.live_server import LiveServer
from tests.server.media import decode, solid_image
from tests.server.uploads import uploaded

CHANGE_VISIBLE_WITHIN = 15.0  # the account cache's TTL (5 s) and its background reload


def _status(url: str) -> int:
    return requests.get(url, timeout=10).status_code


def _eventually(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + CHANGE_VISIBLE_WITHIN
    while not check():
        assert time.monotonic() < deadline, "the setting did not take effect"
        time.sleep(0.2)


def _signed(server: LiveServer, path: str, transformation: list[dict[str, object]]) -> str:
    client = ImageKit(
        public_key=server.public_key,
        private_key=server.private_key,
        url_endpoint=server.url_endpoint,
    )
    return str(client.url({"path": path, "transformation": transformation, "signed": True}))


def test_security_settings_apply_to_every_delivery(live_server: LiveServer) -> None:
    body = uploaded(live_server, solid_image(40, 40, (10, 200, 30)), "guarded.png")
    path = body["filePath"]
    created = live_server.cli("named-transformations", "create", "guard-thumb", "w-10")
    assert created.returncode == 0, created.stderr
    original = f"{live_server.url_endpoint}{path}"
    explicit = f"{live_server.url_endpoint}/tr:w-20{path}"
    named = f"{live_server.url_endpoint}/tr:n-guard-thumb{path}"
    assert _status(explicit) == 200  # now in the memory cache
    assert _status(named) == 200
    try:
        shown = live_server.cli(
            "accounts", "update", "demo", "--restrict-unnamed-transformations", "on"
        )
        assert shown.returncode == 0, shown.stderr
        assert "restrict_unnamed_transformations=on" in shown.stdout
        _eventually(lambda: _status(explicit) == 400)
        refused = requests.get(f"{explicit}?tr=h-5", timeout=10)
        assert refused.status_code == 400 and "named transformations" in refused.text
        assert refused.headers["ik-error"].startswith("EINVALIDTRANSFORMATION")
        assert _status(named) == 200 and _status(original) == 200
        signed_explicit = requests.get(_signed(live_server, path, [{"width": 20}]), timeout=10)
        assert decode(signed_explicit.content).width == 20

        live_server.cli("accounts", "update", "demo", "--require-signed-urls", "on")
        _eventually(lambda: _status(original) == 401)
        assert _status(named) == 401  # the cached variant too
        unsigned = requests.get(named, timeout=10)
        assert "signed URLs" in unsigned.text and unsigned.headers["ik-error"].startswith(
            "EUNAUTHORIZED"
        )
        assert requests.get(_signed(live_server, path, []), timeout=10).status_code == 200
        signed_named = _signed(live_server, path, [{"named": "guard-thumb"}])
        assert decode(requests.get(signed_named, timeout=10).content).width == 10
    finally:
        live_server.cli(
            "accounts",
            "update",
            "demo",
            "--require-signed-urls",
            "off",
            "--restrict-unnamed-transformations",
            "off",
        )
    _eventually(lambda: _status(explicit) == 200)
    assert live_server.cli("accounts", "update", "nobody").returncode == 1
