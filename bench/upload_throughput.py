"""Upload throughput of the real server against copying the same bytes on the same disk, and
the server's peak memory during one large upload.

    .venv/bin/python bench/upload_throughput.py                 # 1 MB and 20 MB, c=1 and c=8
    .venv/bin/python bench/upload_throughput.py --rss-mb 200    # plus peak RSS of a 200 MB upload

The server runs as ``imagekit-server serve`` (SQLite + local blobs) in a subprocess with its
data directory next to the copy target, so both write to the same filesystem. Uploads are
multipart requests whose file part goes out with ``socket.sendfile`` from threads in this
process (a light client, like curl); the copy baseline is ``shutil.copyfile`` plus ``fsync``
(the blob store makes each blob durable the same way). Throughput is total bytes over wall
time for ``--files`` transfers; each case runs ``--rounds`` times, alternating upload and
copy, and the best round of each is reported.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

MB = 1024 * 1024
PRIVATE_KEY = f"private_{secrets.token_hex(12)}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(data_dir: Path, max_upload_bytes: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "IMAGEKIT_PRIVATE_KEY": PRIVATE_KEY,
        "IMAGEKIT_PUBLIC_KEY": f"public_{secrets.token_hex(12)}",
        "IMAGEKIT_MAX_UPLOAD_BYTES": str(max_upload_bytes),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imagekit_server.cli",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
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


def upload_once(base: str, source: Path, index: int) -> None:
    """One multipart upload whose file part is sent with ``socket.sendfile`` (like curl), so
    the client spends little CPU and the figure is the server's."""
    host, port = base.removeprefix("http://").split(":")
    boundary = secrets.token_hex(16)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\n'
        f'f{index}.bin\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="f{index}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = source.stat().st_size
    token = base64.b64encode(f"{PRIVATE_KEY}:".encode()).decode()
    connection = http.client.HTTPConnection(host, int(port), timeout=300)
    try:
        connection.putrequest("POST", "/api/v1/files/upload")
        connection.putheader("Authorization", f"Basic {token}")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(head) + size + len(tail)))
        connection.endheaders()
        assert connection.sock is not None
        connection.sock.sendall(head)
        with source.open("rb") as handle:
            connection.sock.sendfile(handle)
        connection.sock.sendall(tail)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"upload failed: {response.status} {body[:200]!r}")
    finally:
        connection.close()


def copy_once(source: Path, target_dir: Path, index: int) -> None:
    target = target_dir / f"copy-{index}-{secrets.token_hex(4)}"
    shutil.copyfile(source, target)
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def throughput(task: Callable[[int], None], size: int, files: int, concurrency: int) -> float:
    """MB/s over ``files`` runs of ``task`` on ``concurrency`` threads."""
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(task, range(files)))
    return size * files / MB / (time.perf_counter() - started)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def peak_rss_during(pid: int, action: Callable[[], None]) -> tuple[int, int]:
    """(idle RSS, peak RSS) in kB of process ``pid`` while ``action`` runs."""
    idle = rss_kb(pid)
    peak = idle
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        action()
    finally:
        done.set()
        sampler.join()
    return idle, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--files", type=int, default=16, help="transfers per case and round")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds")
    parser.add_argument("--rss-mb", type=int, default=0, help="also measure a big upload's RSS")
    parser.add_argument("--dir", type=Path, default=None, help="where to work (default: tmp)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ik-bench-", dir=args.dir))
    process, base = start_server(work / "data", max(args.rss_mb, max(args.sizes_mb)) * MB + MB)
    try:
        copies = work / "copies"
        copies.mkdir()
        print("| size | concurrency | upload MB/s | copy MB/s | upload / copy |")
        print("|---|---|---|---|---|")
        for size_mb in args.sizes_mb:
            source = work / f"source-{size_mb}"
            source.write_bytes(os.urandom(size_mb * MB))
            upload_once(base, source, -1)  # warm-up
            for concurrency in args.concurrency:
                up = throughput(
                    lambda i, s=source: upload_once(base, s, i),
                    size_mb * MB,
                    args.files,
                    concurrency,
                )
                cp = throughput(
                    lambda i, s=source: copy_once(s, copies, i),
                    size_mb * MB,
                    args.files,
                    concurrency,
                )
                print(f"| {size_mb} MB | {concurrency} | {up:.0f} | {cp:.0f} | {up / cp:.0%} |")
                shutil.rmtree(copies)
                copies.mkdir()
        if args.rss_mb:
            source = work / "big"
            with source.open("wb") as handle:
                for _ in range(args.rss_mb):
                    handle.write(os.urandom(MB))
            idle, peak = peak_rss_during(process.pid, lambda: upload_once(base, source, 10**6))
            print(
                f"\n{args.rss_mb} MB upload: server RSS idle {idle / 1024:.0f} MB, "
                f"peak {peak / 1024:.0f} MB (+{(peak - idle) / 1024:.0f} MB)"
            )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
