"""The outgoing-request guard: private destinations refused unless allowlisted."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagekit_server.fetch import FetchError, check_destination, fetch_to_file, post_json
from imagekit_server.settings import FetchAllowlist

NONE = FetchAllowlist()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "ftp://example.com/x",
        "file:///etc/passwd",
    ],
)
def test_private_and_odd_destinations_are_refused(url: str) -> None:
    with pytest.raises(FetchError):
        check_destination(url, NONE)


def test_allowlist_by_network_and_by_host() -> None:
    by_network = FetchAllowlist.parse("127.0.0.0/8, 10.0.0.0/8")
    assert check_destination("http://127.0.0.1:8080/a?b=1", by_network).address == "127.0.0.1"
    assert check_destination("http://127.0.0.1:8080/a?b=1", by_network).path == "/a?b=1"
    by_host = FetchAllowlist.parse("localhost")
    assert check_destination("http://localhost/x", by_host).host == "localhost"
    with pytest.raises(FetchError):
        check_destination("http://10.0.0.1/x", by_host)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):  # one byte every 50 ms: never idle long enough to time out
                self.wfile.write(b"t")
                self.wfile.flush()
                time.sleep(0.05)
            return
        if self.path == "/redirect-private":
            self.send_response(302)
            self.send_header("Location", "http://10.255.255.1/secret")
            self.end_headers()
            return
        body = b"z" * 5000
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_origin() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_limits_and_redirect_checks(local_origin: str, tmp_path: Path) -> None:
    allow = FetchAllowlist.parse("127.0.0.1")
    target = tmp_path / "out"
    fetched = fetch_to_file(
        f"{local_origin}/ok", target, allowlist=allow, max_bytes=10_000, timeout=5
    )
    assert fetched.size == 5000 and target.read_bytes() == b"z" * 5000
    with pytest.raises(FetchError, match="maximum"):
        fetch_to_file(f"{local_origin}/ok", target, allowlist=allow, max_bytes=100, timeout=5)
    with pytest.raises(FetchError, match="not allowed"):
        fetch_to_file(
            f"{local_origin}/redirect-private", target, allowlist=allow, max_bytes=10_000, timeout=5
        )
    assert post_json(f"{local_origin}/hook", b"{}", allowlist=allow, timeout=5) == 202


def test_fetch_has_a_total_time_limit(local_origin: str, tmp_path: Path) -> None:
    allow = FetchAllowlist.parse("127.0.0.1")
    started = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        fetch_to_file(
            f"{local_origin}/trickle", tmp_path / "t", allowlist=allow, max_bytes=1000, timeout=0.5
        )
    assert time.monotonic() - started < 2.5
