"""Upload extensions on the built-in providers, side by side in one run:

    .venv/bin/python bench/extensions.py            # 15 rounds; targets checked at the end

1. **tagging overhead**: a 2 MP JPEG uploaded with ``google-auto-tagging`` (built-in tagger,
   inline) vs the same upload without extensions, alternating; the median difference must be
   under 150 ms.
2. **remove-bg**: the built-in remover on a 2 MP product photo, in-process (median of the
   rounds, target < 1 s), and end to end through the server (upload answered ``pending`` ->
   webhook with the new version).
3. **event loop**: latency of ``GET /v1/files/{id}/details`` while 8 remove-bg jobs run, vs
   idle; extension work runs on worker threads, so it may share the CPU but never holds the
   loop (a held loop would show as latencies of a whole job, ~1 s).

The server runs as ``imagekit-server serve`` (SQLite + local blobs) in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pyvips
import requests

PRIVATE_KEY = f"private_{secrets.token_hex(12)}"
AUTH = (PRIVATE_KEY, "")
TAGGING = [{"name": "google-auto-tagging", "minConfidence": 50, "maxTags": 10}]
WIDTH, HEIGHT = 1732, 1155  # 2.0 MP


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def photo() -> bytes:
    """A 2 MP photo-like JPEG: smooth gradients, shapes and sensor noise."""
    rows, columns = np.mgrid[:HEIGHT, :WIDTH].astype(np.float32)
    pixels = np.stack(
        [120 + 80 * np.sin(columns / 200), 100 + 60 * np.cos(rows / 150), 90 + 0.05 * columns], 2
    )
    pixels += np.random.default_rng(1).normal(0, 6, pixels.shape)
    return _jpeg(pixels)


def product_photo() -> bytes:
    """A 2 MP product shot: two objects on a near-white sweep with noise."""
    rows, columns = np.mgrid[:HEIGHT, :WIDTH].astype(np.float32)
    pixels = np.empty((HEIGHT, WIDTH, 3), np.float32)
    pixels[:] = 238 - rows[..., None] * 0.01
    box = (abs(columns - 700) < 320) & (abs(rows - 600) < 380)
    pixels[box] = (185, 40, 45)
    disc = (columns - 1250) ** 2 + (rows - 520) ** 2 < 200**2
    pixels[disc] = (40, 70, 190)
    pixels += np.random.default_rng(2).normal(0, 3, pixels.shape)
    return _jpeg(pixels)


def _jpeg(pixels: np.ndarray) -> bytes:
    data = np.clip(pixels, 0, 255).astype(np.uint8).tobytes()
    image = pyvips.Image.new_from_memory(data, WIDTH, HEIGHT, 3, "uchar")
    jpeg: bytes = image.copy(interpretation="srgb").jpegsave_buffer(Q=88)
    return jpeg


class Webhooks:
    """Records when each extension event arrives (the bench's own webhook receiver)."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if body.get("service") == "remove-bg":
                    file_id = body.get("fileObject", {}).get("fileId") or body.get("fileId")
                    outer.arrivals[str(file_id)] = time.perf_counter()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "IMAGEKIT_PRIVATE_KEY": PRIVATE_KEY,
        "IMAGEKIT_PUBLIC_KEY": f"public_{secrets.token_hex(12)}",
        "IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8",
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


def upload(base: str, data: bytes, name: str, **fields: str) -> tuple[float, dict[str, Any]]:
    parts: dict[str, Any] = {"file": (name, data), "fileName": (None, name)}
    parts.update({key: (None, value) for key, value in fields.items()})
    started = time.perf_counter()
    response = requests.post(f"{base}/api/v1/files/upload", files=parts, auth=AUTH, timeout=60)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return elapsed, body


def tagging_overhead(base: str, rounds: int) -> dict[str, float]:
    data = photo()
    plain: list[float] = []
    tagged: list[float] = []
    upload(base, data, "warm.jpg", extensions=json.dumps(TAGGING))  # loads OpenCV once
    for index in range(rounds):
        plain.append(upload(base, data, f"p{index}.jpg")[0])
        seconds, body = upload(base, data, f"t{index}.jpg", extensions=json.dumps(TAGGING))
        assert body["extensionStatus"] == {"google-auto-tagging": "success"}, body
        tagged.append(seconds)
    return {
        "plain_ms": statistics.median(plain) * 1000,
        "tagged_ms": statistics.median(tagged) * 1000,
        "added_ms": (statistics.median(tagged) - statistics.median(plain)) * 1000,
    }


def remove_bg_in_process(rounds: int) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from imagekit_server.extensions.builtin_background import BuiltinBackgroundRemover
    from imagekit_server.extensions.providers import BackgroundOptions
    from imagekit_server.settings import Settings

    remover = BuiltinBackgroundRemover(Settings())
    data = product_photo()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        remover.remove_background(data, BackgroundOptions())
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def remove_bg_end_to_end(base: str, hooks: Webhooks, rounds: int) -> float:
    data = product_photo()
    times = []
    for index in range(rounds):
        extensions = json.dumps([{"name": "remove-bg"}])
        started = time.perf_counter()
        _, body = upload(base, data, f"rb{index}.jpg", extensions=extensions, webhookUrl=hooks.url)
        while body["fileId"] not in hooks.arrivals:
            time.sleep(0.005)
        times.append(hooks.arrivals[body["fileId"]] - started)
    return statistics.median(times) * 1000


def latencies(base: str, file_id: str, seconds: float) -> list[float]:
    found = []
    deadline = time.perf_counter() + seconds
    with requests.Session() as session:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            session.get(f"{base}/v1/files/{file_id}/details", auth=AUTH, timeout=30)
            found.append((time.perf_counter() - started) * 1000)
            time.sleep(0.01)
    return found


def event_loop(base: str, hooks: Webhooks) -> dict[str, float]:
    _, body = upload(base, photo(), "probe.jpg")
    idle = latencies(base, body["fileId"], 3.0)
    data = product_photo()
    extensions = json.dumps([{"name": "remove-bg"}])
    ids = [
        upload(base, data, f"busy{i}.jpg", extensions=extensions, webhookUrl=hooks.url)[1]["fileId"]
        for i in range(8)
    ]
    busy: list[float] = []
    while not all(file_id in hooks.arrivals for file_id in ids):
        busy += latencies(base, body["fileId"], 0.5)
    return {
        "idle_p50": statistics.median(idle),
        "idle_max": max(idle),
        "busy_p50": statistics.median(busy),
        "busy_p99": float(np.percentile(busy, 99)),
        "busy_max": max(busy),
        "busy_samples": len(busy),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    hooks = Webhooks()
    with tempfile.TemporaryDirectory() as directory:
        process, base = start_server(Path(directory))
        try:
            tagging = tagging_overhead(base, args.rounds)
            end_to_end = remove_bg_end_to_end(base, hooks, max(3, args.rounds // 3))
            loop = event_loop(base, hooks)
        finally:
            process.terminate()
            process.wait(30)
    in_process = remove_bg_in_process(max(3, args.rounds // 3))
    print(f"upload 2 MP JPEG, median of {args.rounds}:")
    print(f"  without extensions        {tagging['plain_ms']:8.1f} ms")
    print(f"  with google-auto-tagging  {tagging['tagged_ms']:8.1f} ms")
    print(f"  added by tagging          {tagging['added_ms']:8.1f} ms   (target < 150 ms)")
    ratio = tagging["tagged_ms"] / tagging["plain_ms"]
    print(f"  ratio tagged / plain      {ratio:8.2f}x")
    print("built-in remove-bg, 2 MP product photo:")
    print(f"  provider in-process       {in_process:8.1f} ms   (target < 1000 ms)")
    print(f"  upload -> webhook         {end_to_end:8.1f} ms")
    print("GET details latency, idle vs 8 remove-bg jobs running:")
    print(f"  idle p50 / max            {loop['idle_p50']:8.1f} / {loop['idle_max']:.1f} ms")
    print(
        f"  busy p50 / p99 / max      {loop['busy_p50']:8.1f} / {loop['busy_p99']:.1f} / "
        f"{loop['busy_max']:.1f} ms ({loop['busy_samples']:.0f} requests)"
    )
    print(f"  ratio busy / idle p50     {loop['busy_p50'] / loop['idle_p50']:8.2f}x")
    met = tagging["added_ms"] < 150 and in_process < 1000 and loop["busy_max"] < 1000
    print("targets met" if met else "TARGETS MISSED")


if __name__ == "__main__":
    main()
