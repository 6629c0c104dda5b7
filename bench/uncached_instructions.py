"""What an uncached render costs the server beyond its own decode, resize and encode calls, in
CPU instructions counted by callgrind (issue 18): exact and repeatable on a shared machine,
where CPU time per image drifts by more than the few percent looked for.

    .venv/bin/python bench/uncached_instructions.py                 # 2.3 MP photo and 2 MP
    .venv/bin/python bench/uncached_instructions.py --renders 20 --images photo --annotate 25
    BENCH_VALGRIND=--separate-threads=yes .venv/bin/python bench/uncached_instructions.py
        # then each phase's count is the main thread's alone (the event loop)

One process under ``valgrind --tool=callgrind --instr-atstart=no`` per image: set-up runs
uninstrumented; then per phase a collection, a dump that zeroes the counters, the phase, a
dump (callgrind client requests through a small C helper compiled here; needs ``valgrind``
and ``cc``). Phases, on the same source bytes and the same outputs:

- ``limit``: ``bench/transform/pyvips_limit.py``'s ``render_once`` (the server's own
  ``jpeg_header``, ``decode_scaled``, ``thumbnail_image`` and ``encode_jpeg``, the source read
  from a file) for ``w-400,q-80`` .. ``q-(79 + renders)``;
- ``cache-off``: the same URLs ``/demo/tr:w-400,q-8x/photo.jpg`` through the app
  (``IMAGEKIT_DERIVED_CACHE=false``), behind uvicorn's httptools protocol on a stand-in
  transport as in bench/observability_instructions.py, the render on the render pool's thread,
  each chain parsed afresh;
- ``cache-on``: the same through an app with the derived cache (default settings): the store
  lookup that misses, the write after the response (drained per request) and one ledger flush;
- ``off-parsed``: the cache-off renders again with their chains already parsed;
- ``hit``: the cache-on URLs again, answered from the memory cache.

Each app answered one other URL of the same file first (file row memoised, pool started), as a
worker that has served the file before; lookups stay memoised for the run. Not counted: the
kernel (file reads, ``fsync``, socket calls). Prints instructions per request, the ratio to the
limit and the difference; ``--annotate N`` prints the N costliest functions of the first three
phases, inclusive (``callgrind_annotate``); ``--keep DIR`` keeps the dumps.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import ctypes
import gc
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEY = "private_bench"
PHASES = ("limit", "cache-off", "cache-on", "off-parsed", "hit")
HELPER = r"""
#include <valgrind/callgrind.h>
void start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=10, help="distinct URLs per phase (<= 20)")
    parser.add_argument("--images", nargs="+", default=["photo", "generated"])
    parser.add_argument("--annotate", type=int, default=0, help="functions shown per phase")
    parser.add_argument("--keep", type=Path, help="a folder to keep the callgrind dumps in")
    args = parser.parse_args()
    if not 1 <= args.renders <= 20:
        parser.error("--renders: 1 to 20 (q-80 .. q-99)")
    work = Path(tempfile.mkdtemp(prefix="uncached-instructions-"))
    helper = work / "callgrind_helper.so"
    (work / "helper.c").write_text(HELPER)
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", helper, work / "helper.c"], check=True)
    for image in args.images:
        out = (args.keep or work) / image
        out.mkdir(parents=True, exist_ok=True)
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            *os.environ.get("BENCH_VALGRIND", "").split(),
            f"--callgrind-out-file={out}/callgrind.out",
            sys.executable,
            __file__,
            "--child",
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0", "BENCH_HELPER": str(helper)}
        env |= {"BENCH_IMAGE": image, "BENCH_RENDERS": str(args.renders)}
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            return 1
        print(done.stdout.strip())
        counts = _dumps(out)
        limit = counts["limit"][0] / args.renders
        for phase in PHASES:
            per_image = counts[phase][0] / args.renders
            print(
                f"{image} {phase}: {per_image:,.0f} instructions per request"
                f" ({per_image / limit:.4f} x limit, {per_image - limit:+,.0f})"
            )
        for phase in PHASES[: 3 if args.annotate else 0]:
            _annotate(counts[phase][1], args.annotate)
    return 0


def _dumps(folder: Path) -> dict[str, tuple[int, Path]]:
    """phase -> (instructions, dump file), from the dumps the client requests asked for."""
    found = {}
    for path in folder.glob("callgrind.out*"):
        text = path.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if trigger and total and trigger.group(1) in PHASES:
            found[trigger.group(1)] = (int(total.group(1)), path)
    return found


def _annotate(path: Path, lines: int) -> None:
    command = ["callgrind_annotate", "--inclusive=yes", "--threshold=99", str(path)]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rows = [line for line in text.splitlines() if re.match(r"^\s*[\d,]+ \(", line)]
    print(f"--- {path.parent.name} {path.name}")
    print("\n".join(rows[: lines + 1]))


def child() -> None:
    """The measured process: set-up uninstrumented, then each phase counted alone."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

    import pyvips
    import uvloop
    from bench.stand_in_http import CountingTransport, raw_request, worker_protocol
    from bench.transform.photos import photos
    from bench.transform.pyvips_limit import render_once
    from urllib3 import encode_multipart_formdata

    from imagekit_server.app import create_app
    from imagekit_server.context import open_context
    from imagekit_server.observability.health import metrics_of
    from imagekit_server.renditions.chain import parsed_chain
    from imagekit_server.renditions.derived_budget import flush_derived_ledger
    from imagekit_server.renditions.derived_writes import DerivedWrites
    from imagekit_server.runtime.memory_tuning import settle_garbage_collector
    from imagekit_server.settings import Settings

    helper = ctypes.CDLL(os.environ["BENCH_HELPER"])
    renders = int(os.environ["BENCH_RENDERS"])
    workdir = Path(tempfile.mkdtemp(prefix="uncached-instructions-"))
    source = workdir / "photo.jpg"
    if os.environ["BENCH_IMAGE"] == "photo":
        source.write_bytes(photos()["2.3MP"].read_bytes())
    else:  # a ~2 MP JPEG: smooth gradients plus noise, a photo's entropy
        noise = pyvips.Image.gaussnoise(1800, 1100, sigma=30, mean=0)
        ramp = pyvips.Image.xyz(1800, 1100)
        base = (ramp[0] * 0.1 + ramp[1] * 0.15 + noise).cast("uchar")
        image = base.bandjoin([base.flip("horizontal"), base.rot180()])
        source.write_bytes(image.copy(interpretation="srgb").jpegsave_buffer(Q=90))
    qualities = [80 + number for number in range(renders)]
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)

    class Server:
        """One app (its own data folder) behind uvicorn's httptools protocol, as a worker."""

        def __init__(self, name: str, env: dict[str, str]) -> None:
            settings = Settings.from_env(
                # Lookups memoised for the whole run: natively a 1 s memo is refreshed once
                # per ~30 renders, under callgrind (50x slower) it would be on every one.
                {"IMAGEKIT_PRIVATE_KEY": KEY, "IMAGEKIT_LOOKUP_TTL": "3600", **env},
                data_dir=workdir / name,
                imagekit_id="demo",
            )
            self.context = open_context(settings)
            self.app = create_app(settings, self.context)
            observer: Any = getattr(self.app, "observer", None)
            if observer is not None and settings.metrics:
                observer.metrics = metrics_of(self.context)
            self.observer = observer
            self.protocol, self.state = worker_protocol(self.app)
            self.transport = CountingTransport()
            self.protocol.connection_made(self.transport)

        async def one(self, data: bytes) -> None:
            self.protocol.data_received(data)
            await asyncio.gather(*list(self.state.tasks))
            await self.context.component(DerivedWrites, DerivedWrites).drain()

        async def upload(self) -> None:
            fields: dict[str, Any] = {
                "file": ("photo.jpg", source.read_bytes()),
                "fileName": "photo.jpg",
                "useUniqueFileName": "false",
            }
            body, content_type = encode_multipart_formdata(fields)
            auth = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
            headers = {"Content-Type": content_type, "Authorization": auth}
            await self.one(raw_request("POST", "/api/v1/files/upload", headers, body))
            await self.render(79)  # the file row memoised, the render pool started

        async def render(self, quality: int) -> None:
            before = self.transport.written
            await self.one(raw_request("GET", f"/demo/tr:w-400,q-{quality}/photo.jpg", {}))
            assert self.transport.written - before > 5_000, "the render did not return an image"

        async def phase(self, parse: bool = True) -> None:
            if parse:
                parsed_chain.clear()  # every phase parses its chains, as a new URL does
            for quality in qualities:
                await self.render(quality)
            flush_derived_ledger(self.context)
            if self.observer is not None:
                self.observer.flush()

    sys.stderr = (workdir / "server.log").open("w")  # the access log's stream
    servers = {
        "cache-off": Server("off", {"IMAGEKIT_DERIVED_CACHE": "false"}),
        "cache-on": Server("on", {}),
    }
    for server in servers.values():
        loop.run_until_complete(server.upload())
        if server.observer is not None:
            server.observer.flush()
    sizes = {len(render_once(source, True)) for _ in range(2)}  # warm, and deterministic
    assert len(sizes) == 1
    settle_garbage_collector()

    def measure(name: str, phase: Callable[[], object]) -> None:
        # Each phase starts from an empty young generation, so where the collector runs
        # depends on the phase alone (it moved counts by ~0.3 M between builds otherwise).
        gc.collect()
        helper.dump(b"between")  # not a phase: zeroes the counters
        phase()
        helper.dump(name.encode())

    helper.start()
    measure("limit", lambda: [render_once(source, True, quality) for quality in qualities])
    for name, server in servers.items():
        measure(name, lambda server=server: loop.run_until_complete(server.phase()))
    # For the attribution: the same renders with their chains already parsed, and the
    # cache-on server's variants again (memory hits: HTTP, routing, lookups, response).
    off, on = servers["cache-off"], servers["cache-on"]
    measure("off-parsed", lambda: loop.run_until_complete(off.phase(parse=False)))
    measure("hit", lambda: loop.run_until_complete(on.phase(parse=False)))
    print(f"{os.environ['BENCH_IMAGE']}: {source.stat().st_size:,} bytes source")


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        raise SystemExit(main())
