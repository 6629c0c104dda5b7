"""What the access log and metrics cost a derived-cache hit, in CPU instructions counted by
callgrind: exact and repeatable on a shared machine, where CPU time per request drifts by
several percent between runs (bench/observability_overhead.py measures the real server, and
bench/hit_instructions.py counts it under granian). "off" keeps request ids, as the server
does with both off.

    .venv/bin/python bench/observability_instructions.py            # on and off, 2,000 hits
    .venv/bin/python bench/observability_instructions.py --hits 4000 --variants on off log
    .venv/bin/python bench/observability_instructions.py --src /tmp/before --src .  # A/B

Each variant runs in its own process under ``valgrind --tool=callgrind``: the app (SQLite,
local blobs) behind uvicorn's httptools protocol, as a worker runs it, on a stand-in
transport; a 600x400 JPEG uploaded and its ``w-400,q-80`` variant warmed into the memory
cache; then the hits, counted alone (collection is on only inside ``atexit``'s callbacks),
with the access log and metrics flushed every 2,500 hits (the flush task's batch at ~10,000
hits/s) and once at the end. Not counted: the kernel (socket calls), the same in both. Needs
``valgrind``; each run takes a few minutes (start-up runs 50x slower under callgrind).
``BENCH_NO_FLUSH=1`` in the environment leaves out the flushes: the hot path alone.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

VARIANTS = {
    "on": {},
    "off": {"IMAGEKIT_ACCESS_LOG": "off", "IMAGEKIT_METRICS": "off"},
    "log": {"IMAGEKIT_METRICS": "off"},
    "metrics": {"IMAGEKIT_ACCESS_LOG": "off"},
}
KEY = "private_bench"
FLUSH_EVERY = 2500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=2000)
    parser.add_argument("--variants", nargs="+", default=["on", "off"], choices=VARIANTS)
    parser.add_argument(
        "--src",
        action="append",
        type=Path,
        help="a source tree to count (repeat to compare, e.g. a git worktree of an earlier "
        "commit); default: this checkout",
    )
    args = parser.parse_args()
    for tree in args.src or [Path(__file__).resolve().parent.parent]:
        counts = {variant: _count(tree, variant, args.hits) for variant in args.variants}
        for variant, count in counts.items():
            print(f"{tree}: {variant}: {count:,.0f} instructions per hit", flush=True)
        if "off" in counts:
            for variant, count in counts.items():
                if variant != "off":
                    extra = count - counts["off"]
                    ratio = count / counts["off"]
                    print(f"{tree}: {variant}/off: {ratio:.4f} (+{extra:,.0f} a hit)")
    return 0


def _count(tree: Path, variant: str, hits: int) -> float:
    """Instructions per hit of ``tree``'s server code, ``variant``'s settings."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        "--toggle-collect=*atexit_callfuncs*",
        sys.executable,
        __file__,
        "--child",
    ]
    env = {**os.environ, "BENCH_VARIANT": variant, "BENCH_HITS": str(hits)}
    env["BENCH_SRC"] = str(tree.resolve())
    env["PYTHONHASHSEED"] = "0"
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    assert found, done.stderr[-2000:]
    return int(found.group(1)) / hits


def child() -> None:
    """The measured process: set up, then count the hits in an ``atexit`` callback."""
    root = Path(__file__).resolve().parent.parent
    sys.path[:0] = [str(Path(os.environ["BENCH_SRC"]) / "src"), str(root)]
    import pyvips
    import uvloop
    from bench.stand_in_http import CountingTransport, raw_request, worker_protocol
    from urllib3 import encode_multipart_formdata

    from imagekit_server.app import create_app
    from imagekit_server.context import open_context
    from imagekit_server.observability.health import metrics_of
    from imagekit_server.runtime.memory_tuning import settle_garbage_collector
    from imagekit_server.settings import Settings

    hits = int(os.environ["BENCH_HITS"])
    flushes = not os.environ.get("BENCH_NO_FLUSH")  # to count the hot path alone
    workdir = Path(tempfile.mkdtemp(prefix="observability-instructions-"))
    settings = Settings.from_env(
        {"IMAGEKIT_PRIVATE_KEY": KEY, **VARIANTS[os.environ["BENCH_VARIANT"]]},
        data_dir=workdir / "data",
        imagekit_id="demo",
    )
    context = open_context(settings)
    app = create_app(settings, context)
    observer: Any = getattr(app, "observer", None)
    if observer is not None and settings.metrics:
        observer.metrics = metrics_of(context)
    sys.stderr = (workdir / "server.log").open("w")  # the access log's stream

    hit = raw_request("GET", "/demo/tr:w-400,q-80/photo.jpg", {})
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)  # before the protocol, which takes the current loop
    transport = CountingTransport()
    protocol, state = worker_protocol(app)  # as cli/workers.py runs a worker

    async def one(data: bytes) -> None:
        protocol.data_received(data)
        await asyncio.gather(*list(state.tasks))

    async def setup() -> None:
        protocol.connection_made(transport)
        noise = pyvips.Image.gaussnoise(600, 400, sigma=40, mean=128).cast("uchar")
        image = noise.bandjoin([noise, noise]).copy(interpretation="srgb")
        fields: dict[str, Any] = {
            "file": ("photo.jpg", image.jpegsave_buffer(Q=90)),
            "fileName": "photo.jpg",
            "useUniqueFileName": "false",
        }
        body, content_type = encode_multipart_formdata(fields)
        auth = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
        headers = {"Content-Type": content_type, "Authorization": auth}
        await one(raw_request("POST", "/api/v1/files/upload", headers, body))
        before = transport.written
        for _ in range(20):
            await one(hit)
        assert transport.written - before > 20 * 10_000, "the hits did not return the image"

    async def measured() -> None:
        for number in range(1, hits + 1):
            await one(hit)
            if observer is not None and number % FLUSH_EVERY == 0 and flushes:
                observer.flush()
        if observer is not None and flushes:
            observer.flush()

    loop.run_until_complete(setup())
    if observer is not None:
        observer.flush()
    settle_garbage_collector()
    atexit.register(lambda: loop.run_until_complete(measured()))


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        raise SystemExit(main())
