"""Derived-cache hits of two source trees side by side: did a change make hits cheaper?

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/hit_trees.py --before /tmp/before               # 9 rounds x 5 s
    .venv/bin/python bench/hit_trees.py --before /tmp/before --rounds 15 --seconds 4

Both servers (``serve``, one worker, defaults: access log and metrics on) run at once, each on
its own tree's ``src`` through ``PYTHONPATH``, with the same photo uploaded and its
``w-400,q-80`` variant warmed. Each round runs wrk (32 connections) on one, then the other,
alternating which goes first, so drift in machine speed hits both alike. Printed: each
round's requests per second and the server's CPU time per request, then the medians of
after/before. CPU per request drifts far less than throughput on a shared machine.
Needs ``wrk`` on PATH (``make bench-tools``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.observability_overhead import measure, photo
from bench.transform.load import wrk
from bench.transform.servers import ImagekitServer

PATH = "/demo/tr:w-400,q-80/photo.jpg"
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other tree (a worktree)")
    parser.add_argument("--after", type=Path, default=ROOT, help="default: this checkout")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    data = photo()
    with tempfile.TemporaryDirectory(prefix="hit-trees-") as workdir:
        servers = {
            label: ImagekitServer(
                Path(workdir), 1, 1, cache=True, extra_env={"PYTHONPATH": str(tree / "src")}
            )
            for label, tree in (("before", args.before.resolve()), ("after", args.after.resolve()))
        }
        try:
            for server in servers.values():
                server.upload("photo.jpg", data)
                wrk(f"{server.base_url}{PATH}", 4, 1)
            rates: dict[str, list[float]] = {"before": [], "after": []}
            cpu: dict[str, list[float]] = {"before": [], "after": []}
            for number in range(args.rounds):
                order = ["before", "after"] if number % 2 == 0 else ["after", "before"]
                for label in order:
                    server = servers[label]
                    rate, ms = measure(server, f"{server.base_url}{PATH}", 32, args.seconds)
                    rates[label].append(rate)
                    cpu[label].append(ms)
                print(
                    f"round {number + 1}: before {rates['before'][-1]:,.0f} req/s "
                    f"({cpu['before'][-1]:.4f} ms CPU/req), after {rates['after'][-1]:,.0f} "
                    f"req/s ({cpu['after'][-1]:.4f} ms CPU/req)",
                    flush=True,
                )
        finally:
            for server in servers.values():
                server.stop()
    ratios = [after / before for after, before in zip(rates["after"], rates["before"], strict=True)]
    print(
        f"after/before throughput: median {statistics.median(ratios):.3f} "
        f"(rounds {min(ratios):.2f}-{max(ratios):.2f}); CPU per request: "
        f"{statistics.median(cpu['after']) / statistics.median(cpu['before']):.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
