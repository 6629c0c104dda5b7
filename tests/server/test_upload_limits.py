"""Size and pixel limits, and upload from a URL through the outgoing-request guard."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import pixel, solid_image
from tests.server.uploads import api_get, assert_error, upload, uploaded

IMAGE = solid_image(30, 20, (0, 128, 255))


class _ImageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = IMAGE if self.path == "/image.png" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def origin() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ImageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "IMAGEKIT_MAX_UPLOAD_BYTES": "20000",
        "IMAGEKIT_MAX_IMAGE_PIXELS": "10000",
        "IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8",
    }
    server = LiveServer(tmp_path_factory.mktemp("limited"), env)
    server.start()
    yield server
    server.stop()


def test_upload_over_the_size_limit_is_400(limited_server: LiveServer) -> None:
    body = assert_error(upload(limited_server, b"x" * 30000, "big.bin"), 400)
    assert "20000" in body["message"]
    import base64

    encoded = base64.b64encode(b"y" * 25000).decode()
    assert_error(upload(limited_server, encoded, "big64.bin", as_file_part=False), 400)


def test_decompression_bomb_is_refused_before_decoding(limited_server: LiveServer) -> None:
    # 200 x 200 = 40000 pixels > 10000, but a tiny file.
    bomb = solid_image(200, 200, (0, 0, 0))
    assert len(bomb) < 20000
    assert_error(upload(limited_server, bomb, "bomb.png"), 400)
    assert upload(limited_server, solid_image(100, 100, (0, 0, 0)), "ok.png").status_code == 200


def test_upload_from_allowlisted_url(limited_server: LiveServer, origin: str) -> None:
    body = uploaded_url(limited_server, f"{origin}/image.png")
    assert (body["width"], body["height"]) == (30, 20)
    assert body["fileType"] == "image"
    missing = upload(limited_server, f"{origin}/missing.png", "m.png", as_file_part=False)
    assert "404" in assert_error(missing, 400)["message"]


def uploaded_url(server: LiveServer, url: str) -> dict[str, object]:
    response = upload(server, url, "fetched.png", as_file_part=False)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_loopback_url_refused_without_allowlist(live_server: LiveServer, origin: str) -> None:
    response = upload(live_server, f"{origin}/image.png", "f.png", as_file_part=False)
    assert "not allowed" in assert_error(response, 400)["message"]


def test_webhook_is_posted_through_the_guard(
    live_server_factory: StartServer, tmp_path: object
) -> None:
    received: list[bytes] = []
    arrived = threading.Event()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()
            arrived.set()

        def log_message(self, format: str, *args: object) -> None:
            pass

    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        server = live_server_factory(env={"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.1"})
        url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
        body = uploaded(server, IMAGE, "hooked.png", webhookUrl=url)
        assert arrived.wait(10)
        assert body["fileId"].encode() in received[0]
        listed = api_get(server, "/v1/files").json()
        assert [item["fileId"] for item in listed] == [body["fileId"]]
        assert pixel(solid_image(2, 2, (1, 2, 3)), 0, 0)[:3] == [1, 2, 3]
    finally:
        hook.shutdown()
        hook.server_close()
