"""Nothing half-written: a client that disconnects mid-upload and a server killed with SIGKILL
mid-upload leave no visible file, no temp file and nothing for fsck to report."""

from __future__ import annotations

import socket
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import solid_image
from tests.server.uploads import api_get, uploaded

BOUNDARY = "----testBoundary"


def _start_partial_upload(server: LiveServer, declared_size: int) -> socket.socket:
    """Send the headers and the first part of a multipart body that claims to be bigger."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\npart.bin\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="part.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    import base64

    token = base64.b64encode(f"{server.private_key}:".encode()).decode()
    request = (
        "POST /api/v1/files/upload HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Basic {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {declared_size}\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(request + head + b"\0" * 200_000)
    return sock


def _spooled_files(server: LiveServer) -> list[Path]:
    root = server.data_dir / "blobs" / ".tmp"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _wait_for(condition: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_client_disconnect_mid_upload_leaves_nothing(live_server_factory: StartServer) -> None:
    server = live_server_factory()
    sock = _start_partial_upload(server, declared_size=5_000_000)
    assert _wait_for(lambda: _spooled_files(server)), "the upload never reached the spool"
    sock.close()
    assert _wait_for(lambda: not _spooled_files(server)), _spooled_files(server)
    assert api_get(server, "/v1/files").json() == []
    # The server is healthy and the next upload works.
    uploaded(server, solid_image(3, 3, (0, 0, 0)), "after.png")
    check = server.cli("fsck")
    assert check.returncode == 0 and "no problems" in check.stdout
    assert "Traceback" not in server.log()


def test_sigkill_mid_upload_then_restart(live_server_factory: StartServer) -> None:
    server = live_server_factory()
    sock = _start_partial_upload(server, declared_size=5_000_000)
    assert _wait_for(lambda: _spooled_files(server))
    server.kill()
    sock.close()
    assert _spooled_files(server)  # the dead process left its temp file behind
    server.start()
    assert not _spooled_files(server), "start-up recovery removes a dead process's temp files"
    assert api_get(server, "/v1/files").json() == []
    check = server.cli("fsck")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no problems" in check.stdout


def test_blob_stored_but_record_not_committed_is_recovered(
    live_server_factory: StartServer,
) -> None:
    """The crash window between putting the blob and committing the record: an intent row, a
    blob, and a dead writer. Start-up recovery deletes both."""
    server = live_server_factory()
    good = uploaded(server, solid_image(3, 3, (9, 9, 9)), "kept.png")
    server.kill()
    dead_token = "deadbeef0001"
    (server.data_dir / "run" / f"{dead_token}.lock").write_text("12345")  # nobody holds it
    key = f"originals/demo/{dead_token}_{'ab' * 12}"
    blob = server.data_dir / "blobs" / key
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(b"half-done")
    orphan = server.data_dir / "blobs" / "originals" / "demo" / f"{dead_token}_{'cd' * 12}"
    orphan.write_bytes(b"no intent, no record")
    with sqlite3.connect(server.data_dir / "imagekit.sqlite3") as db:
        db.execute(
            "INSERT INTO blob_intents (blob_key, account_id, created_at) VALUES (?, ?, ?)",
            (key, "demo", datetime.now(timezone.utc).isoformat(" ")),
        )
    server.start()
    assert not blob.exists(), "recovery deletes the blob of an unfinished write"
    report = server.cli("fsck")
    assert (
        report.returncode == 1
        and f"orphan blob: {orphan.relative_to(server.data_dir / 'blobs')}" in report.stdout
    )
    repaired = server.cli("fsck", "--repair")
    assert repaired.returncode == 0 and not orphan.exists()
    assert server.cli("fsck").returncode == 0
    listed = api_get(server, "/v1/files").json()
    assert [item["fileId"] for item in listed] == [good["fileId"]]
