"""Helpers for webhook tests: waiting on a receiver, reading deliveries, checking signatures
the way a receiver does (written from the Standard Webhooks description, independently of
the server's signing module)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from imagekitio.webhooks import verify_webhook
from tests.fixtures.live_server import LiveServer
from tests.fixtures.recording_server import RecordedRequest, RecordingServer
from tests.server.uploads import TIMEOUT

T = TypeVar("T")
DEADLINE = 15.0


def eventually(probe: Callable[[], T | None], deadline: float = DEADLINE) -> T:
    """Poll ``probe`` until it returns something truthy."""
    end = time.monotonic() + deadline
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > end:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def received(receiver: RecordingServer, count: int, deadline: float = DEADLINE) -> list[Any]:
    """The first ``count`` requests the receiver got, once they arrived."""
    return eventually(
        lambda: list(receiver.requests[:count]) if len(receiver.requests) >= count else None,
        deadline,
    )


def create_endpoint(server: LiveServer, url: str, **fields: Any) -> dict[str, Any]:
    response = requests.post(
        f"{server.base_url}/v1/accounts/webhooks",
        json={"url": url, **fields},
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def deliveries(server: LiveServer, **params: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{server.base_url}/v1/accounts/webhooks/deliveries",
        params=params,
        auth=server.auth,
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def verify(request: RecordedRequest, secret: str, tolerance: float = 300) -> dict[str, Any]:
    """Check both signature headers of ``request`` against ``secret``; its event."""
    message_id = request.headers["webhook-id"]
    timestamp = request.headers["webhook-timestamp"]
    assert abs(time.time() - int(timestamp)) < tolerance
    body = request.body.decode()
    key = secret.encode()
    expected = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    signatures = request.headers["webhook-signature"].split()
    assert "v1," + base64.b64encode(expected.digest()).decode() in signatures
    legacy = dict(part.split("=", 1) for part in request.headers["x-ik-signature"].split(","))
    digest = hmac.new(key, f"{legacy['t']}.{body}".encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(legacy["v1"], digest)
    event: dict[str, Any] = request.json()
    assert event["id"] == message_id
    # Our SDK's verifier (docs/sdk-extensions.md) accepts what the server signs.
    assert verify_webhook(request.body, request.headers, secret).event == event
    return event
