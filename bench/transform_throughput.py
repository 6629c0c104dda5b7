"""Transformation throughput of imagekit-server, side by side in one run, with thumbor and with
the server's own decode/resize/encode calls in-process (the limit), on real photographs; then
cache hits, direct and behind the nginx front configuration (deploy/nginx/imagekit.conf), next
to nginx serving the file and to a bare Starlette handler.

    .venv/bin/python bench/transform_throughput.py                  # 10 s per measurement
    .venv/bin/python bench/transform_throughput.py --seconds 5 --skip-thumbor
    .venv/bin/python bench/transform_throughput.py --rounds 3 --seconds 5   # 3 rounds

Work: `w-400,q-80` JPEG output from a 20 MP and a 2.3 MP JPEG (bench/transform/photos.py
fetches them from Debian packages into bench/.data/ on first use). Uncached runs disable the
derived cache (IMAGEKIT_DERIVED_CACHE=false: every request renders). Load: wrk with 8 and 32
connections on 127.0.0.1. Memory: peak RSS of the server's whole process tree during each run.
Every server is started once; each round measures, per photo, the limit before and after each
system, so every server figure has a limit measured seconds around it (this machine's speed
drifts by a third within minutes). Besides images per second, each row has the CPU time per
image (the server's process tree, or the limit's rendering loops), which drifts far less and
measures the work done per request. Needs `wrk` and `nginx` on PATH; thumbor is installed on
first use into bench/.venvs/thumbor (file loader, no storage, no result storage,
ENGINE_THREADPOOL_SIZE = threads).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.transform.load import LoadResult, PeakMemory, tree_cpu_seconds, wrk
from bench.transform.photos import photos, progressive_photos
from bench.transform.servers import BareStarlette, ImagekitServer, Nginx, ThumborServer

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
    cpu_ms: float | None = None  # CPU time of the server's process tree (or of the limit's
    # processes) per request / image
    # For a server row: the in-process limit measured just before and just after it (mean).
    limit_rate: float | None = None
    limit_cpu_ms: float | None = None


def pyvips_limit(path: Path, seconds: float, subsample: bool) -> tuple[float, float]:
    """(images per second, CPU ms per image) of one plain-pyvips process per core at once."""
    command = [sys.executable, "-m", "bench.transform.pyvips_limit", str(path), str(seconds)]
    command += [] if subsample else ["--chroma-444"]
    root = Path(__file__).resolve().parent.parent
    processes = [
        subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True) for _ in range(CORES)
    ]
    outputs = [process.communicate(timeout=seconds + 120)[0].split() for process in processes]
    images = sum(int(count) for count, _ in outputs)
    cpu_seconds = sum(float(cpu) for _, cpu in outputs)
    return images / seconds, cpu_seconds * 1000 / max(1, images)


def measure(
    system: str, image: str, url: str, seconds: float, pid: int | None, accept: str = "image/jpeg"
) -> list[Row]:
    rows = []
    requests.get(url, headers={"Accept": accept}, timeout=120).raise_for_status()  # warm-up
    for connections in CONNECTIONS:
        memory = PeakMemory(pid) if pid is not None else None
        cpu_before = tree_cpu_seconds(pid) if pid is not None else 0.0
        if memory is not None:
            with memory:
                result = wrk(url, connections, seconds, {"Accept": accept})
        else:
            result = wrk(url, connections, seconds, {"Accept": accept})
        peak = memory.peak / MB if memory is not None else None
        row = _row(system, image, connections, result, peak)
        if pid is not None and result.requests > 0:
            row.cpu_ms = (tree_cpu_seconds(pid) - cpu_before) * 1000 / result.requests
        rows.append(row)
    return rows


def _row(system: str, image: str, connections: int, result: LoadResult, peak: float | None) -> Row:
    return Row(system, image, connections, result.requests_per_second, result.p99_ms, peak,
               result.errors)  # fmt: skip


@dataclass
class System:
    """A running server under test and the URL of each photo on it."""

    name: str
    pid: int
    urls: dict[str, str]
    stop: Callable[[], None]


def imagekit_system(
    workdir: Path, images: dict[str, Path], workers: int, threads: int, subsample: bool
) -> System:
    env = {} if subsample else {"IMAGEKIT_CHROMA_SUBSAMPLING": "false"}
    server = ImagekitServer(
        workdir, workers=workers, render_workers=threads, cache=False, extra_env=env
    )
    urls = {}
    for label, path in images.items():
        base = server.upload(path.name, path.read_bytes())
        urls[label] = base.replace("/demo/", f"/demo/tr:{CHAIN}/")
    name = f"imagekit-server ({workers} proc x {threads} render thr)"
    return System(name, server.process.pid, urls, server.stop)


def thumbor_system(workdir: Path, images: dict[str, Path], processes: int, threads: int) -> System:
    linked = workdir / "thumbor-images"
    linked.mkdir(exist_ok=True)
    for path in images.values():
        target = linked / path.name
        if not target.exists():
            target.symlink_to(path)
    server = ThumborServer(workdir, linked, threads=threads, processes=processes)
    urls = {label: server.url(path.name) for label, path in images.items()}
    name = f"thumbor ({processes} proc x {threads} engine thr)"
    return System(name, server.process.pid, urls, server.stop)


def uncached_round(
    systems: list[System], images: dict[str, Path], seconds: float, subsample: bool
) -> list[Row]:
    """One round, interleaved: per photo the in-process limit before and after every system,
    so each server figure is compared with the limit measured seconds around it."""
    rows: list[Row] = []
    name = f"pyvips in-process ({CORES} proc)"
    for label, path in images.items():
        limit = pyvips_limit(path, seconds, subsample)
        rows.append(Row(name, label, None, limit[0], cpu_ms=limit[1]))
        for system in systems:
            measured = measure(system.name, label, system.urls[label], seconds, system.pid)
            after = pyvips_limit(path, seconds, subsample)
            rows.append(Row(name, label, None, after[0], cpu_ms=after[1]))
            for row in measured:
                row.limit_rate = (limit[0] + after[0]) / 2
                row.limit_cpu_ms = (limit[1] + after[1]) / 2
            rows += measured
            limit = after
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
        bare = BareStarlette(workdir, body, workers=CORES)
        try:
            reference = wrk(bare.url, 32, seconds)
        finally:
            bare.stop()
        name = f"bare Starlette handler, same bytes from memory ({CORES} workers)"
        rows.append(_row(name, "2.3MP", 32, reference, None))
    finally:
        if nginx is not None:
            nginx.stop()
        server.stop()
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| system | image | conns | req/s | p99 ms | peak RSS MB | CPU ms/req | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        conns = "" if row.connections is None else str(row.connections)
        p99 = "" if row.p99_ms is None else f"{row.p99_ms:.1f}"
        peak = "" if row.peak_mb is None else f"{row.peak_mb:.0f}"
        cpu = "" if row.cpu_ms is None else f"{row.cpu_ms:.1f}"
        lines.append(
            f"| {row.system} | {row.image} | {conns} | {row.rate:,.1f} | {p99} | {peak} "
            f"| {cpu} | {row.errors} |"
        )
    return "\n".join(lines)


def uncached(workdir: Path, images: dict[str, Path], args: argparse.Namespace) -> list[list[Row]]:
    systems: list[System] = []
    try:
        subsample = not args.chroma_444
        systems.append(imagekit_system(workdir, images, 1, CORES, subsample))
        systems.append(imagekit_system(workdir, images, CORES, 1, subsample))
        if not args.skip_thumbor:
            systems.append(thumbor_system(workdir, images, processes=1, threads=CORES))
            systems.append(thumbor_system(workdir, images, processes=CORES, threads=1))
        return [
            uncached_round(systems, images, args.seconds, not args.chroma_444)
            for _ in range(args.rounds)
        ]
    finally:
        for system in systems:
            system.stop()


def _best(rows: list[Row], image: str, system_prefix: str) -> Row | None:
    candidates = [r for r in rows if r.image == image and r.system.startswith(system_prefix)]
    return max(candidates, key=lambda row: row.rate, default=None)


def ratios(rounds: list[list[Row]]) -> str:
    """Per round and photo: our best uncached row against the limit measured around it and
    against thumbor's best, by throughput and by CPU time per image."""
    lines = [
        "| round | image | ours / limit (img/s) | limit CPU / ours CPU per image "
        "| ours / thumbor (img/s) | thumbor CPU / ours CPU per image |",
        "|---|---|---|---|---|---|",
    ]
    for number, rows in enumerate(rounds, start=1):
        for image in dict.fromkeys(row.image for row in rows):
            ours = _best(rows, image, "imagekit-server")
            thumbor = _best(rows, image, "thumbor")
            if ours is None:
                continue
            cells = [
                _ratio(ours.rate, ours.limit_rate),
                _ratio(ours.limit_cpu_ms, ours.cpu_ms),
                _ratio(ours.rate, thumbor.rate if thumbor else None),
                _ratio(thumbor.cpu_ms if thumbor else None, ours.cpu_ms),
            ]
            lines.append(f"| {number} | {image} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or not denominator:
        return ""
    return f"{numerator / denominator:.2f}"


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
    parser.add_argument(
        "--chroma-444",
        action="store_true",
        help="JPEG 4:4:4 from our server and the limit (IMAGEKIT_CHROMA_SUBSAMPLING=false, as "
        "ImageKit encodes); by default both write 4:2:0, as thumbor does",
    )
    parser.add_argument(
        "--progressive",
        action="store_true",
        help="progressive re-encodings of the photos (labels 20MPp, 2.3MPp) instead; "
        "implies --skip-hits",
    )
    args = parser.parse_args()
    args.skip_hits = args.skip_hits or args.progressive
    images = progressive_photos() if args.progressive else photos()
    with tempfile.TemporaryDirectory(prefix="ik-bench-") as temp:
        workdir = Path(temp)
        rounds = uncached(workdir, images, args)
        hits = [] if args.skip_hits else cache_hits(workdir, images, args.seconds)
    print(table(best_of(rounds) + hits))
    print()
    print(ratios(rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
