"""Transformation throughput of imagekit-server, side by side in one run, with thumbor and with
plain pyvips in-process (the limit), on real photographs; then cache hits, direct and behind
the nginx front configuration (deploy/nginx/imagekit.conf) next to nginx serving the file.

    .venv/bin/python bench/transform_throughput.py                  # 10 s per measurement
    .venv/bin/python bench/transform_throughput.py --seconds 5 --skip-thumbor
    .venv/bin/python bench/transform_throughput.py --rounds 3 --seconds 8   # best of 3

Work: `w-400,q-80` JPEG output from a 20 MP and a 2.3 MP JPEG (bench/transform/photos.py
fetches them from Debian packages into bench/.data/ on first use). Uncached runs disable the
derived cache (IMAGEKIT_DERIVED_CACHE=false: every request renders). Load: wrk with 8 and 32
connections on 127.0.0.1. Memory: peak RSS of the server's whole process tree during the
32-connection run. Needs `wrk` and `nginx` on PATH; thumbor is installed on first use into
bench/.venvs/thumbor (file loader, no storage, no result storage, ENGINE_THREADPOOL_SIZE =
cores).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.transform.load import LoadResult, PeakMemory, wrk
from bench.transform.photos import photos
from bench.transform.servers import ImagekitServer, Nginx, ThumborServer

CORES = os.cpu_count() or 1
CONNECTIONS = (8, 32)
CHAIN = "w-400,q-80"
MB = 1024 * 1024


@dataclass
class Row:
    system: str
    image: str
    connections: int | None
    rate: float
    p99_ms: float | None = None
    peak_mb: float | None = None
    errors: int = 0


def pyvips_limit(path: Path, seconds: float) -> float:
    """Images per second of one plain-pyvips process per core, all at once."""
    command = [sys.executable, "-m", "bench.transform.pyvips_limit", str(path), str(seconds)]
    root = Path(__file__).resolve().parent.parent
    processes = [
        subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True) for _ in range(CORES)
    ]
    counts = [int(process.communicate(timeout=seconds + 120)[0]) for process in processes]
    return sum(counts) / seconds


def measure(
    system: str, image: str, url: str, seconds: float, pid: int | None, accept: str = "image/jpeg"
) -> list[Row]:
    rows = []
    requests.get(url, headers={"Accept": accept}, timeout=120).raise_for_status()  # warm-up
    for connections in CONNECTIONS:
        memory = PeakMemory(pid) if pid is not None else None
        if memory is not None:
            with memory:
                result = wrk(url, connections, seconds, {"Accept": accept})
        else:
            result = wrk(url, connections, seconds, {"Accept": accept})
        peak = memory.peak / MB if memory is not None else None
        rows.append(_row(system, image, connections, result, peak))
    return rows


def _row(system: str, image: str, connections: int, result: LoadResult, peak: float | None) -> Row:
    return Row(system, image, connections, result.requests_per_second, result.p99_ms, peak,
               result.errors)  # fmt: skip


def uncached_imagekit(
    workdir: Path, images: dict[str, Path], seconds: float, workers: int, threads: int
) -> list[Row]:
    server = ImagekitServer(workdir, workers=workers, render_workers=threads, cache=False)
    rows: list[Row] = []
    try:
        for label, path in images.items():
            base = server.upload(path.name, path.read_bytes())
            url = base.replace("/demo/", f"/demo/tr:{CHAIN}/")
            system = f"imagekit-server ({workers} proc x {threads} render thr)"
            rows += measure(system, label, url, seconds, server.process.pid)
    finally:
        server.stop()
    return rows


def thumbor(
    workdir: Path, images: dict[str, Path], seconds: float, processes: int, threads: int
) -> list[Row]:
    root = next(iter(images.values())).parent
    linked = workdir / "thumbor-images"
    linked.mkdir(exist_ok=True)
    for path in images.values():
        target = linked / path.name
        if not target.exists():
            target.symlink_to(path)
    server = ThumborServer(workdir, linked, threads=threads, processes=processes)
    del root
    rows: list[Row] = []
    try:
        for label, path in images.items():
            system = f"thumbor ({processes} proc x {threads} engine thr)"
            rows += measure(system, label, server.url(path.name), seconds, server.process.pid)
    finally:
        server.stop()
    return rows


def cache_hits(workdir: Path, images: dict[str, Path], seconds: float) -> list[Row]:
    """A derived-cache hit from the server (one worker per core), then behind nginx."""
    server = ImagekitServer(workdir, workers=CORES, render_workers=1, cache=True)
    rows: list[Row] = []
    nginx = None
    try:
        path = images["2.3MP"]
        base = server.upload(path.name, path.read_bytes())
        url = base.replace("/demo/", f"/demo/tr:{CHAIN}/")
        for _ in range(50):  # every worker renders or loads it once
            body = requests.get(url, headers={"Accept": "image/jpeg"}, timeout=60).content
        hit = wrk(url, 32, seconds, {"Accept": "image/jpeg"})
        rows.append(_row(f"imagekit-server hit ({CORES} workers)", "2.3MP", 32, hit, None))
        static_root = workdir / "static"
        (static_root / "demo").mkdir(parents=True, exist_ok=True)
        (static_root / "demo" / "photo.jpg").write_bytes(body)
        nginx = Nginx(workdir, server.port, static_root)
        front = f"http://127.0.0.1:{nginx.port}/demo/tr:{CHAIN}/{path.name}"
        for _ in range(3):
            requests.get(front, headers={"Accept": "image/jpeg"}, timeout=60)
        behind = wrk(front, 32, seconds, {"Accept": "image/jpeg"})
        rows.append(_row("hit behind nginx proxy_cache", "2.3MP", 32, behind, None))
        static = wrk(f"http://127.0.0.1:{nginx.static_port}/demo/photo.jpg", 32, seconds)
        rows.append(_row("nginx static file (same bytes)", "2.3MP", 32, static, None))
    finally:
        if nginx is not None:
            nginx.stop()
        server.stop()
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| system | image | conns | req/s | p99 ms | peak RSS MB | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        conns = "" if row.connections is None else str(row.connections)
        p99 = "" if row.p99_ms is None else f"{row.p99_ms:.1f}"
        peak = "" if row.peak_mb is None else f"{row.peak_mb:.0f}"
        lines.append(
            f"| {row.system} | {row.image} | {conns} | {row.rate:,.1f} | {p99} | {peak} "
            f"| {row.errors} |"
        )
    return "\n".join(lines)


def one_round(workdir: Path, images: dict[str, Path], args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    for label, path in images.items():
        rate = pyvips_limit(path, args.seconds)
        rows.append(Row(f"pyvips in-process ({CORES} proc)", label, None, rate))
    rows += uncached_imagekit(workdir, images, args.seconds, workers=1, threads=CORES)
    rows += uncached_imagekit(workdir, images, args.seconds, workers=CORES, threads=1)
    if not args.skip_thumbor:
        rows += thumbor(workdir, images, args.seconds, processes=1, threads=CORES)
        rows += thumbor(workdir, images, args.seconds, processes=CORES, threads=1)
    if not args.skip_hits:
        rows += cache_hits(workdir, images, args.seconds)
    return rows


def best_of(rounds: list[list[Row]]) -> list[Row]:
    """Per cell: the best rate with its p99, and the highest memory peak of any round."""
    best: dict[tuple[str, str, int | None], Row] = {}
    for row in (row for rows in rounds for row in rows):
        key = (row.system, row.image, row.connections)
        kept = best.get(key)
        peaks = [p for p in (row.peak_mb, kept.peak_mb if kept else None) if p is not None]
        if kept is None or row.rate > kept.rate:
            kept = Row(**vars(row))
        kept.peak_mb = max(peaks) if peaks else None
        best[key] = kept
    return list(best.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=1, help="repeat everything; keep the best")
    parser.add_argument("--skip-thumbor", action="store_true")
    parser.add_argument("--skip-hits", action="store_true")
    args = parser.parse_args()
    images = photos()
    rounds: list[list[Row]] = []
    with tempfile.TemporaryDirectory(prefix="ik-bench-") as temp:
        workdir = Path(temp)
        for _ in range(args.rounds):
            rounds.append(one_round(workdir, images, args))
    print(table(best_of(rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
