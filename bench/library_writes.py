"""Library writes of one account under concurrency on PostgreSQL: small uploads and tag
updates per second, for two source trees side by side (say, before and after a change to
how writes are serialised), in alternating rounds.

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/library_writes.py --src /tmp/before/src --src src
    .venv/bin/python bench/library_writes.py --src src --workers 2 --concurrency 16 --seconds 8

Each tree's server (``serve --workers N``, a fresh PostgreSQL database, local blobs) is
started once; each round runs, for each tree in turn, ``--concurrency`` threads uploading
distinct 2x2 PNGs into one folder, then the same threads adding a tag to one of those files
each (``POST /v1/files/addTags``), for ``--seconds`` each. The figures are requests per
second; ratios are against the first tree, within a round.
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyvips
import requests
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.transform.servers import free_port

ADMIN_URL = os.environ.get("IMAGEKIT_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1/test")
PRIVATE_KEY = f"private_{secrets.token_hex(12)}"


class Server:
    def __init__(self, src: Path, workers: int, scratch: Path) -> None:
        self.database = f"ik_bench_{secrets.token_hex(4)}"
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.database}"'))
        admin.dispose()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        url = sa.make_url(ADMIN_URL).set(database=self.database)
        env = {
            **os.environ,
            "PYTHONPATH": str(src.resolve()),
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "IMAGEKIT_PRIVATE_KEY": PRIVATE_KEY,
            "IMAGEKIT_PUBLIC_KEY": f"public_{secrets.token_hex(12)}",
            "IMAGEKIT_WORKERS": str(workers),
            "IMAGEKIT_ACCESS_LOG": "off",
        }
        data_dir = scratch / self.database
        self.process = subprocess.Popen(
            [sys.executable, "-m", "imagekit_server.cli", "serve", "--port", str(self.port),
             "--data-dir", str(data_dir)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=1).ok:
                    time.sleep(1.0)  # the other workers
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"the server of {src} did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(60)
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
        admin.dispose()


def _png(value: int) -> bytes:
    image = pyvips.Image.black(2, 2).new_from_image([value & 255, value >> 8 & 255, 9])
    data: bytes = image.cast("uchar").write_to_buffer(".png")
    return data


def _rate(
    call: Callable[[requests.Session, int], str], threads: int, seconds: float
) -> tuple[float, list[str]]:
    """Calls per second of ``call(session, n)`` on ``threads`` threads for ``seconds``, and
    what the calls returned."""
    counter = itertools.count()
    done = [0] * threads
    stop = time.monotonic() + seconds
    results: list[str] = []

    def loop(index: int) -> None:
        with requests.Session() as session:
            while time.monotonic() < stop:
                results.append(call(session, next(counter)))
                done[index] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(loop, range(threads)))
    return sum(done) / (time.monotonic() - started), results


def round_of(server: Server, threads: int, seconds: float, tag: int) -> tuple[float, float]:
    auth = (PRIVATE_KEY, "")
    pngs = [_png(n) for n in range(256)]

    def upload(session: requests.Session, n: int) -> str:
        response = session.post(
            f"{server.base}/api/v1/files/upload",
            files={"file": (f"f{tag}-{n}.png", pngs[n % 256])},
            data={"fileName": f"f{tag}-{n}.png", "folder": "/bench", "useUniqueFileName": "false"},
            auth=auth,
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return str(response.json()["fileId"])

    uploads, file_ids = _rate(upload, threads, seconds)

    def add_tag(session: requests.Session, n: int) -> str:
        body = {"fileIds": [file_ids[n % len(file_ids)]], "tags": [f"t{n}"]}
        response = session.post(f"{server.base}/v1/files/addTags", json=body, auth=auth, timeout=60)
        assert response.status_code == 200, response.text
        return ""

    tags, _ = _rate(add_tag, threads, seconds)
    return uploads, tags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="library-writes-") as scratch:
        servers = [Server(src, args.workers, Path(scratch)) for src in args.src]
        figures: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(servers))}
        try:
            for number in range(args.rounds):
                order = list(range(len(servers)))
                if number % 2:
                    order.reverse()
                for index in order:
                    figures[index].append(round_of(servers[index], args.concurrency,
                                                   args.seconds, number))  # fmt: skip
                first = figures[0][-1]
                line = ", ".join(
                    f"{args.src[i]}: {figures[i][-1][0]:.0f} uploads/s "
                    f"({figures[i][-1][0] / first[0]:.2f}), "
                    f"{figures[i][-1][1]:.0f} tag calls/s ({figures[i][-1][1] / first[1]:.2f})"
                    for i in range(len(servers))
                )
                print(f"round {number + 1}: {line}", flush=True)
        finally:
            for server in servers:
                server.stop()
    for i, src in enumerate(args.src):
        uploads = statistics.median(f[0] for f in figures[i])
        tags = statistics.median(f[1] for f in figures[i])
        print(f"median {src}: {uploads:.0f} uploads/s, {tags:.0f} tag calls/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
