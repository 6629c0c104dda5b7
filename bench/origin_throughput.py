"""A transformation of an image that lives in an origin (an S3 bucket on a local moto server,
and a web folder), first request and cached, against the same image in the media library.

    .venv/bin/python bench/origin_throughput.py                   # defaults below
    .venv/bin/python bench/origin_throughput.py --files 20 --seconds 5 --concurrency 8

The server runs as ``imagekit-server serve`` (SQLite + local blobs) in a subprocess; the peers
are a moto S3 server (another subprocess) and a threaded HTTP file server in this process,
all on 127.0.0.1. Three figures per source:

* first request: ``--files`` distinct 1600x1200 JPEGs (random noise, so no two share a
  rendering), each asked once for ``tr:w-400,h-300`` (origin fetch + render + derived-cache
  write; the media library's files are already stored, so the difference is the fetch);
* new transformation of a cached original: ``--files`` distinct widths of one file;
* cached: the same transformed URL repeatedly from ``--concurrency`` threads for
  ``--seconds`` (requests per second; answered from the in-memory variant cache).
"""

from __future__ import annotations

import argparse
import os
import secrets
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pyvips
import requests

PRIVATE_KEY = f"private_{secrets.token_hex(12)}"
AUTH = (PRIVATE_KEY, "")
CHAIN = "tr:w-400,h-300"
MOTO_PROGRAM = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_image() -> bytes:
    """A 1600x1200 JPEG with detail everywhere (a gradient plus noise)."""
    noise = pyvips.Image.gaussnoise(1600, 1200, sigma=40, mean=128)
    ramp = pyvips.Image.xyz(1600, 1200)[0] / 1600 * 255
    image = noise.bandjoin([ramp, noise.rot180()]).cast("uchar").copy(interpretation="srgb")
    data: bytes = image.write_to_buffer(".jpg", Q=85)
    return data


def start_moto() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-c", MOTO_PROGRAM],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 30)
    if not ready:
        process.kill()
        raise RuntimeError("moto did not start")
    return process, f"http://127.0.0.1:{int(process.stdout.readline())}"


def start_server(data_dir: Path, s3_endpoint: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "IMAGEKIT_PRIVATE_KEY": PRIVATE_KEY,
        "IMAGEKIT_PUBLIC_KEY": f"public_{secrets.token_hex(12)}",
        "IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8",
        "IMAGEKIT_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    command = [sys.executable, "-m", "imagekit_server.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--data-dir", str(data_dir)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return process, base
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_folder(root: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def post(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(f"{base}{path}", json=body, auth=AUTH, timeout=30)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def upload(base: str, data: bytes, name: str) -> None:
    files: dict[str, tuple[str | None, bytes | str]] = {
        "file": (name, data),
        "fileName": (None, name),
        "useUniqueFileName": (None, "false"),
    }
    response = requests.post(f"{base}/api/v1/files/upload", files=files, auth=AUTH, timeout=60)
    response.raise_for_status()


def latencies_ms(urls: list[str]) -> list[float]:
    session = requests.Session()
    times = []
    for url in urls:
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.headers.get('ik-error')}")
    return times


def requests_per_second(url: str, seconds: float, concurrency: int) -> float:
    stop = time.monotonic() + seconds
    counts = [0] * concurrency

    def worker(index: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            if session.get(url, timeout=30).status_code != 200:
                raise RuntimeError(url)
            counts[index] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    return sum(counts) / (time.monotonic() - started)


def measure(name: str, url_of: Callable[[str, str], str], args: argparse.Namespace) -> None:
    first = latencies_ms([url_of(CHAIN, f"img-{i}.jpg") for i in range(args.files)])
    widths = latencies_ms([url_of(f"tr:w-{200 + i}", "img-0.jpg") for i in range(args.files)])
    cached = requests_per_second(url_of(CHAIN, "img-0.jpg"), args.seconds, args.concurrency)
    print(
        f"| {name} | {statistics.median(first):.1f} | {statistics.median(widths):.1f} "
        f"| {cached:.0f} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    image = test_image()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "folder").mkdir()
        moto, s3_endpoint = start_moto()
        folder_server, folder_url = serve_folder(root / "folder")
        server, base = start_server(root / "data", s3_endpoint)
        try:
            s3 = boto3.client(
                "s3",
                endpoint_url=s3_endpoint,
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
                region_name="us-east-1",
            )
            s3.create_bucket(Bucket="bench")
            for i in range(args.files):
                name = f"img-{i}.jpg"
                s3.put_object(Bucket="bench", Key=name, Body=test_image())
                (root / "folder" / name).write_bytes(test_image())
                upload(base, test_image(), name)
            s3_origin = post(
                base,
                "/v1/accounts/origins",
                {"type": "S3", "name": "moto", "bucket": "bench", "accessKey": "bench",
                 "secretKey": "bench"},
            )  # fmt: skip
            web_origin = post(
                base,
                "/v1/accounts/origins",
                {"type": "WEB_FOLDER", "name": "folder", "baseUrl": folder_url},
            )
            for prefix, origin in (("s3", s3_origin), ("web", web_origin)):
                post(
                    base,
                    "/v1/accounts/url-endpoints",
                    {"description": prefix, "urlPrefix": prefix, "origins": [origin["id"]]},
                )
            endpoint = f"{base}/demo"
            print(f"{len(image) / 1024:.0f} KB JPEG 1600x1200 -> {CHAIN}", flush=True)
            print("| source | first request, median ms | new transformation of a cached "
                  "original, median ms | cached, req/s |")  # fmt: skip
            print("|---|---:|---:|---:|")
            measure("media library", lambda chain, name: f"{endpoint}/{chain}/{name}", args)
            measure("S3 origin (moto)", lambda chain, name: f"{endpoint}/s3/{chain}/{name}", args)
            measure("web folder origin", lambda c, name: f"{endpoint}/web/{c}/{name}", args)
        finally:
            server.terminate()
            server.wait(timeout=10)
            folder_server.shutdown()
            assert moto.stdin is not None
            moto.stdin.close()
            moto.wait(timeout=10)


if __name__ == "__main__":
    main()
