"""Waiting for a bulk job of a live server to complete (bounded)."""

from __future__ import annotations

import time
from typing import Any

from tests.fixtures.live_server import LiveServer
from tests.server.library.calls import call, ok


def wait_for_job(server: LiveServer, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = ok(call(server, "GET", f"/v1/bulkJobs/{job_id}"))
        if status["status"] == "Completed" or time.monotonic() > deadline:
            return status
        time.sleep(0.05)
