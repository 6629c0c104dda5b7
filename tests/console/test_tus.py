"""Resumable uploads: the tus protocol spoken by hand (a broken upload resumed), then by the
vendored tus-js-client in Chromium."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import requests

from tests.console.conftest import http_session, sign_in
from tests.fixtures.live_server import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page


TUS = {"Tus-Resumable": "1.0.0"}


def _metadata(**values: str) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items()
    )


def test_a_broken_upload_resumes_from_the_reported_offset(live_server: LiveServer) -> None:
    session, csrf = http_session(live_server)
    base = live_server.base_url
    headers = {**TUS, "X-Console-CSRF": csrf, "Origin": base}
    data = os.urandom(3 * 1024 * 1024 + 17)
    meta = _metadata(filename="big.bin", folder="/resumed", tags="a,b", useUniqueFileName="false")

    refused = session.post(f"{base}/console/tus", headers={"X-Console-CSRF": csrf}, timeout=10)
    assert refused.status_code == 412
    too_big = {**headers, "Upload-Length": str(10**12), "Upload-Metadata": meta}
    assert session.post(f"{base}/console/tus", headers=too_big, timeout=10).status_code == 413
    no_token = {**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    assert session.post(f"{base}/console/tus", headers=no_token, timeout=10).status_code == 403

    created = session.post(
        f"{base}/console/tus",
        headers={**headers, "Upload-Length": str(len(data)), "Upload-Metadata": meta},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    location = base + created.headers["Location"]
    patch = {**headers, "Content-Type": "application/offset+octet-stream"}

    half = len(data) // 2
    first = session.patch(location, data=data[:half], headers={**patch, "Upload-Offset": "0"})
    assert (first.status_code, first.headers["Upload-Offset"]) == (204, str(half))
    # The connection "broke": ask where to go on, as a client does after a restart.
    state = session.head(location, headers=headers, timeout=10)
    assert state.headers["Upload-Offset"] == str(half)
    assert state.headers["Upload-Length"] == str(len(data))
    stale = session.patch(location, data=data[half:], headers={**patch, "Upload-Offset": "0"})
    assert stale.status_code == 409
    assert requests.head(location, headers=TUS, timeout=10).status_code == 401  # no session

    last = session.patch(location, data=data[half:], headers={**patch, "Upload-Offset": str(half)})
    assert last.status_code == 204, last.text
    file_id = last.headers["X-File-Id"]
    details = requests.get(
        f"{base}/v1/files/{file_id}/details", auth=live_server.auth, timeout=10
    ).json()
    assert (details["filePath"], details["size"], details["tags"]) == (
        "/resumed/big.bin",
        len(data),
        ["a", "b"],
    )
    stored = requests.get(f"{live_server.url_endpoint}/resumed/big.bin", timeout=30).content
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
    assert session.head(location, headers=headers, timeout=10).status_code == 404

    again = session.post(
        f"{base}/console/tus",
        headers={**headers, "Upload-Length": "10", "Upload-Metadata": meta},
        timeout=10,
    )
    gone = base + again.headers["Location"]
    assert session.delete(gone, headers=headers, timeout=10).status_code == 204
    assert session.head(gone, headers=headers, timeout=10).status_code == 404


def test_a_big_file_goes_through_tus_js_client(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    big = tmp_path / "video.bin"
    data = os.urandom(6 * 1024 * 1024 + 5)
    big.write_bytes(data)
    sign_in(page, live_server, next_path="/console/upload?folder=/big-uploads")
    page.get_by_label("Files").set_input_files(str(big))
    done = page.locator('#uploads li[data-state="done"]')
    done.first.wait_for()
    assert done.first.get_attribute("data-resumable") == "true"
    listed = requests.get(
        f"{live_server.base_url}/v1/files",
        params={"path": "/big-uploads"},
        auth=live_server.auth,
        timeout=10,
    ).json()
    assert [(item["name"], item["size"]) for item in listed] == [("video.bin", len(data))]
