"""What the access log and metrics cost: the server with them on (the defaults: text access
log, Prometheus metrics) side by side with the same server with both off
(IMAGEKIT_ACCESS_LOG=off IMAGEKIT_METRICS=off), on derived-cache hits and on uncached renders.

    .venv/bin/python bench/observability_overhead.py                  # 3 rounds x 8 s
    .venv/bin/python bench/observability_overhead.py --rounds 5 --seconds 10

Both servers run at once, started once; each round measures each of them, alternating which
goes first, so drift in machine speed hits both alike. Hits: 2 workers (so metrics go through
the multi-process files, as in production), wrk with 32 connections on one warmed URL.
Uncached: 1 worker, derived cache off (every request renders `w-400,q-80` from a generated
2 MP JPEG), 8 connections. The access log goes to a file, as it would to a log collector.
Besides requests per second, each row has the server's CPU time per request, which drifts
far less than throughput on a shared machine. Needs `wrk` on PATH.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyvips
from bench.transform.load import tree_cpu_seconds, wrk
from bench.transform.servers import ImagekitServer

OFF = {"IMAGEKIT_ACCESS_LOG": "off", "IMAGEKIT_METRICS": "off"}
CHAIN = "w-400,q-80"


def photo() -> bytes:
    """A 2 MP JPEG with photo-like detail (noise over gradients), made here: no download."""
    width, height = 1800, 1200
    noise = pyvips.Image.gaussnoise(width, height, sigma=40, mean=128)
    ramp = pyvips.Image.xyz(width, height)[0] * (255 / width)
    image = (noise * 0.5 + ramp * 0.5).bandjoin([ramp, noise]).cast("uchar")
    return bytes(image.copy(interpretation="srgb").jpegsave_buffer(Q=90))


def measure(
    server: ImagekitServer, url: str, connections: int, seconds: float
) -> tuple[float, float]:
    """Requests per second and the server tree's CPU milliseconds per request."""
    cpu_before = tree_cpu_seconds(server.process.pid)
    result = wrk(url, connections, seconds)
    cpu = tree_cpu_seconds(server.process.pid) - cpu_before
    if result.errors:
        raise RuntimeError(f"{result.errors} errors from {url}")
    return result.requests_per_second, 1000 * cpu / max(result.requests, 1)


def compare(
    name: str,
    servers: dict[str, ImagekitServer],
    path: str,
    connections: int,
    rounds: int,
    seconds: float,
) -> None:
    rates: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    ratios: list[float] = []
    for round_number in range(rounds):
        order = ["on", "off"] if round_number % 2 == 0 else ["off", "on"]
        measured = {}
        for label in order:
            server = servers[label]
            measured[label] = measure(server, f"{server.base_url}{path}", connections, seconds)
            rates[label].append(measured[label][0])
            cpu[label].append(measured[label][1])
        ratios.append(measured["on"][0] / measured["off"][0])
        print(
            f"  {name} round {round_number + 1}: on {measured['on'][0]:,.0f} req/s "
            f"({measured['on'][1]:.3f} ms CPU/req), off {measured['off'][0]:,.0f} req/s "
            f"({measured['off'][1]:.3f} ms CPU/req), on/off {ratios[-1]:.3f}",
            flush=True,
        )
    cpu_ratio = statistics.median(cpu["on"]) / statistics.median(cpu["off"])
    print(
        f"{name}: throughput on/off median {statistics.median(ratios):.3f} "
        f"(range {min(ratios):.3f}-{max(ratios):.3f}); CPU per request on/off median "
        f"{cpu_ratio:.3f}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--skip-uncached", action="store_true")
    parser.add_argument(
        "--on-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the 'on' server, e.g. IMAGEKIT_METRICS=off for the access log alone",
    )
    args = parser.parse_args()
    on_env = dict(item.split("=", 1) for item in args.on_env)
    data = photo()
    with tempfile.TemporaryDirectory(prefix="observability-bench-") as workdir:
        hits = {
            "on": ImagekitServer(Path(workdir), 2, 1, cache=True, extra_env=on_env),
            "off": ImagekitServer(Path(workdir), 2, 1, cache=True, extra_env=OFF),
        }
        try:
            for server in hits.values():
                server.upload("photo.jpg", data)
                for _ in range(4):  # every worker's memory cache
                    wrk(f"{server.base_url}/demo/tr:{CHAIN}/photo.jpg", 4, 1)
            compare("hit", hits, f"/demo/tr:{CHAIN}/photo.jpg", 32, args.rounds, args.seconds)
        finally:
            for server in hits.values():
                server.stop()
        if args.skip_uncached:
            return 0
        uncached = {
            "on": ImagekitServer(Path(workdir), 1, 0, cache=False),
            "off": ImagekitServer(Path(workdir), 1, 0, cache=False, extra_env=OFF),
        }
        try:
            for server in uncached.values():
                server.upload("photo.jpg", data)
            compare(
                "uncached", uncached, f"/demo/tr:{CHAIN}/photo.jpg", 8, args.rounds, args.seconds
            )
        finally:
            for server in uncached.values():
                server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
