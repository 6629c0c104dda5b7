"""Upload ``transformation.post``: variants rendered eagerly into the derived cache, invalid
chains refused, one webhook event per post-transformation."""

from __future__ import annotations

import http.server
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.media import decode, two_colour_png
from tests.server.uploads import TIMEOUT, api_get, assert_error, upload, uploaded

SOURCE = two_colour_png(120, 60)
WEBP_ACCEPT = "image/webp,image/apng,*/*;q=0.8"
DEFAULT_ACCEPT = "*/*"
# A negotiated chain (two variants: default and WebP) and one with a fixed format (one).
CHAINS = ("w-40,h-20", "w-30,h-30,c-force,f-png")
WARM_DEADLINE = 15.0


def _post(*values: str, kind: str = "transformation") -> str:
    return json.dumps({"post": [{"type": kind, "value": value} for value in values]})


DerivedBlobs = Callable[[str], dict[str, bytes]]


def local_derived_blobs(server: LiveServer, file_id: str) -> dict[str, bytes]:
    """The file's derived blobs (``derived/<account>/<file_id>/<hash>``) on the local store."""
    paths = (server.data_dir / "blobs" / "derived").glob(f"*/{file_id}/*")
    return {str(path): path.read_bytes() for path in paths if path.is_file()}


@pytest.fixture
def derived_blobs(request: pytest.FixtureRequest, live_backend_server: LiveServer) -> DerivedBlobs:
    """Reads a file's derived blobs from the backend server's store (local disk or S3)."""
    storage = live_backend_server.env.get("IMAGEKIT_STORAGE", "")
    if not storage.startswith("s3://"):
        return lambda file_id: local_derived_blobs(live_backend_server, file_id)
    s3 = request.getfixturevalue("s3_admin_client")
    bucket, _, root = storage.removeprefix("s3://").partition("/")

    def read(file_id: str) -> dict[str, bytes]:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"{root}/derived/")
        keys = [item["Key"] for item in listed.get("Contents", [])]
        mine = [key for key in keys if key.split("/")[-2] == file_id]
        return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in mine}

    return read


def wait_for_blobs(read: DerivedBlobs, file_id: str, count: int) -> dict[str, bytes]:
    deadline = time.monotonic() + WARM_DEADLINE
    while time.monotonic() < deadline:
        blobs = read(file_id)
        if len(blobs) >= count:
            return blobs
        time.sleep(0.05)
    raise AssertionError(f"{count} variants expected, found {len(read(file_id))}")


def deliver(server: LiveServer, chain: str, file_path: str, accept: str) -> requests.Response:
    response = requests.get(
        f"{server.url_endpoint}/tr:{chain}{file_path}", headers={"Accept": accept}, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text
    return response


def same_pixels(first: bytes, second: bytes) -> bool:
    a, b = decode(first), decode(second)
    if (a.width, a.height, a.bands) != (b.width, b.height, b.bands):
        return False
    difference: float = (a.cast("int") - b.cast("int")).abs().max()
    return difference == 0


@pytest.fixture(scope="module")
def uncached_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Renders every request afresh: the reference for what a variant must look like."""
    server = LiveServer(tmp_path_factory.mktemp("uncached"), {"IMAGEKIT_DERIVED_CACHE": "false"})
    server.start()
    yield server
    server.stop()


def test_variants_are_in_the_derived_cache_before_any_request(
    live_backend_server: LiveServer, derived_blobs: DerivedBlobs, uncached_server: LiveServer
) -> None:
    live_server = live_backend_server
    body = uploaded(live_server, SOURCE, "eager.png", transformation=_post(*CHAINS))
    blobs = wait_for_blobs(derived_blobs, body["fileId"], 3)
    assert len(blobs) == 3
    assert all("/derived/" in key for key in blobs)
    reference = uploaded(uncached_server, SOURCE, "eager.png", useUniqueFileName="false")
    for chain in CHAINS:
        for accept in (DEFAULT_ACCEPT, WEBP_ACCEPT):
            served = deliver(live_server, chain, body["filePath"], accept)
            # A hit serves the stored blob's bytes: "<content type>\n<data>".
            stored = served.headers["content-type"].encode() + b"\n" + served.content
            assert stored in blobs.values(), (chain, accept)
            fresh = deliver(uncached_server, chain, reference["filePath"], accept)
            assert served.headers["content-type"] == fresh.headers["content-type"]
            assert same_pixels(served.content, fresh.content), (chain, accept)
    # No delivery above had to render: nothing new was stored.
    assert derived_blobs(body["fileId"]) == blobs
    webp = deliver(live_server, CHAINS[0], body["filePath"], WEBP_ACCEPT)
    assert webp.headers["content-type"] == "image/webp"
    image = decode(webp.content)
    assert (image.width, image.height) == (40, 20)
    assert image(5, 10)[:3] == pytest.approx([255, 0, 0], abs=12)
    assert image(35, 10)[:3] == pytest.approx([0, 0, 255], abs=12)


def test_upload_without_post_transformations_renders_nothing(live_server: LiveServer) -> None:
    body = uploaded(live_server, SOURCE, "lazy.png")
    time.sleep(0.3)
    assert local_derived_blobs(live_server, body["fileId"]) == {}


@pytest.mark.parametrize(("kind", "value"), [("abs", "w-10"), ("thumbnail", "zz-1")])
def test_invalid_video_post_types_are_refused(
    live_server: LiveServer, kind: str, value: str
) -> None:
    """Video post-transformations (tests/server/video/test_video_post.py) need valid video
    chains: ``abs`` its ``sr-`` representations."""
    name = f"video-{kind}.png"
    response = upload(live_server, SOURCE, name, transformation=_post(value, kind=kind))
    assert_error(response, 400)
    listed = api_get(live_server, "/v1/files", searchQuery=f'name = "{name}"').json()
    assert listed == []


@pytest.mark.parametrize("chain", ["w-abc", "zz-12", ""])
def test_invalid_post_chains_are_refused(live_server: LiveServer, chain: str) -> None:
    response = upload(live_server, SOURCE, "bad-post.png", transformation=_post("w-10", chain))
    assert_error(response, 400)


class _Hook(http.server.BaseHTTPRequestHandler):
    events: queue.Queue[dict[str, Any]]

    def do_POST(self) -> None:
        self.events.put(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[str, queue.Queue[dict[str, Any]]]]:
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    handler = type("Hook", (_Hook,), {"events": events})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", events
    server.shutdown()
    server.server_close()


def test_webhook_receives_one_event_per_post_transformation(
    live_server_factory: StartServer, hook: tuple[str, queue.Queue[dict[str, Any]]]
) -> None:
    url, events = hook
    server = live_server_factory(env={"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.1"})
    # An unknown named transformation parses, but fails when it is expanded.
    response = upload(
        server, SOURCE, "hooked.png", webhookUrl=url, transformation=_post("w-20", "n-missing")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    received = [events.get(timeout=WARM_DEADLINE) for _ in range(3)]
    by_type = {event["type"]: event for event in received}
    assert set(by_type) == {
        "upload.completed",
        "upload.post-transform.success",
        "upload.post-transform.error",
    }
    success = by_type["upload.post-transform.success"]
    assert success["data"]["fileId"] == body["fileId"]
    assert success["request"]["transformation"] == {"type": "transformation", "value": "w-20"}
    variant = requests.get(success["data"]["url"], timeout=TIMEOUT)
    assert variant.status_code == 200
    assert decode(variant.content).width == 20
    error = by_type["upload.post-transform.error"]
    assert error["data"]["fileId"] == body["fileId"]
    assert error["request"]["transformation"]["value"] == "n-missing"
    assert error["data"]["transformation"]["error"]["reason"]
    assert len(local_derived_blobs(server, body["fileId"])) >= 1
    # each names the upload that asked (ImageKit: "the originating request")
    for event in (success, error):
        assert event["request"]["x_request_id"] == response.headers["x-request-id"]
