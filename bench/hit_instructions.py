"""CPU instructions per derived-cache hit of the real server (``serve``: granian, one worker),
counted by callgrind per thread: with the access log and metrics on, and with both off
(request ids stay on: every response carries one either way).

    .venv/bin/python bench/hit_instructions.py                       # on and off, 2,000 hits
    .venv/bin/python bench/hit_instructions.py --variants on off log metrics

The server runs under ``valgrind --tool=callgrind`` with counting off until it is warm (a
2 MP JPEG uploaded, its ``w-400,q-80`` variant asked 50 times, their lines flushed, so the
measured batch holds cache hits only); then the hits come one after
another over one keep-alive connection from this process (outside valgrind), counting on,
and the count is dumped after the flush that writes their lines. The flush interval is
raised to 10 s in the measured process (``--flush-seconds``), so the batch is one or two
flushes of the hits, as under load (a quarter second at 10,000 hits/s a worker); valgrind
runs the server some 50 times slower, and the default quarter second would give batches of
about 60 and weigh each flush's fixed cost 40 times too much.

The event loop's thread (the first) is where the app runs; its count repeats within about
0.2 %. granian's own threads (HTTP in Rust) do the same work either way, but their counts
drift by a few thousand instructions a hit from run to run, so they are shown apart and the
ratio is given both for the event loop and for the whole process.
bench/observability_instructions.py counts the app behind uvicorn's protocol instead.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.observability_instructions import KEY, VARIANTS
from bench.observability_overhead import CHAIN, photo
from bench.transform.servers import free_port

# The server's CLI with the flush interval of the measured process set from the environment.
SERVE = (
    "import os, sys; import imagekit_server.observability.lifecycle as lifecycle; "
    "lifecycle.FLUSH_SECONDS = float(os.environ['BENCH_FLUSH_SECONDS']); "
    "from imagekit_server.cli.commands import main; sys.exit(main(sys.argv[1:]))"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=2000)
    parser.add_argument("--variants", nargs="+", default=["on", "off"], choices=VARIANTS)
    parser.add_argument("--flush-seconds", type=float, default=10.0)
    args = parser.parse_args()
    counts = {}
    for variant in args.variants:
        threads = count(variant, args.hits, args.flush_seconds)
        loop, rest = threads[0], sum(threads[1:])
        counts[variant] = (loop, loop + rest)
        print(
            f"{variant}: {loop:,.0f} instructions per hit on the event loop, "
            f"{rest:,.0f} on granian's and other threads, {loop + rest:,.0f} in all",
            flush=True,
        )
    if "off" in counts:
        for variant, (loop, total) in counts.items():
            if variant != "off":
                off_loop, off_total = counts["off"]
                print(
                    f"{variant}/off: event loop {loop / off_loop:.4f}, whole process "
                    f"{total / off_total:.4f} (+{loop - off_loop:,.0f} instructions a hit)"
                )
    return 0


def count(variant: str, hits: int, flush_seconds: float) -> list[float]:
    """Instructions per hit of each thread of the serving process, the event loop first."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="hit-instructions-"))
    env = {
        **os.environ,
        "IMAGEKIT_ID": "demo",
        "IMAGEKIT_PRIVATE_KEY": KEY,
        "IMAGEKIT_PUBLIC_KEY": "public_bench",
        "IMAGEKIT_WORKERS": "1",
        "PYTHONHASHSEED": "0",
        "BENCH_FLUSH_SECONDS": str(flush_seconds),
        **VARIANTS[variant],
    }
    out = workdir / "callgrind.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        "--separate-threads=yes",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-c",
        SERVE,
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(workdir / "data"),
    ]
    with (workdir / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        uploaded = requests.post(
            f"{base}/api/v1/files/upload",
            files={"file": ("photo.jpg", photo()), "fileName": (None, "photo.jpg")},
            data={"useUniqueFileName": "false"},
            auth=(KEY, ""),
            timeout=600,
        )
        uploaded.raise_for_status()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        hit = _hitter(connection, f"/demo/tr:{CHAIN}/photo.jpg")
        for _ in range(50):
            hit()
        # the warm-up's lines (a render among them) are flushed before counting starts, so
        # the measured batch holds cache hits only, as under load
        time.sleep(flush_seconds + 0.5)
        _callgrind_control("-i", "on", server.pid)
        for _ in range(hits):
            hit()
        time.sleep(flush_seconds + 0.5)  # the flush that writes the hits' lines
        _callgrind_control("-d", server.pid)
        _callgrind_control("-i", "off", server.pid)
    finally:
        server.terminate()
        server.wait(300)
    dumps = sorted(workdir.glob("callgrind.out.1-*"))
    totals = [_total(dump) / hits for dump in dumps]
    return [total for total in totals if total]


def _hitter(connection: http.client.HTTPConnection, path: str) -> Callable[[], None]:
    def hit() -> None:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200 and len(body) > 1000, response.status

    return hit


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited under valgrind")
        try:
            if requests.get(f"{base}/healthz", timeout=10).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError("the server did not start under valgrind")


def _callgrind_control(*args: object) -> None:
    subprocess.run(["callgrind_control", *map(str, args)], check=True, capture_output=True)


def _total(dump: Path) -> int:
    found = re.search(r"^totals: (\d+)", dump.read_text(errors="replace"), re.MULTILINE)
    return int(found.group(1)) if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
