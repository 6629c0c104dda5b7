"""Wait for extension webhooks recorded by a ``RecordingServer``."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.fixtures.recording_server import RecordingServer

DEADLINE = 30.0


def extension_events(server: RecordingServer, service: str | None = None) -> list[dict[str, Any]]:
    events = []
    for request in list(server.requests):
        try:
            body = json.loads(request.body)
        except ValueError:
            continue
        wanted = service is None or body.get("service") == service
        if isinstance(body, dict) and "service" in body and wanted:
            events.append(body)
    return events


def wait_for_event(server: RecordingServer, service: str) -> dict[str, Any]:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        found = extension_events(server, service)
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no {service} event arrived; got {extension_events(server)}")
