"""Peak memory of the whole server: every process `imagekit-server serve` starts (supervisor,
workers, helpers), measured over its process group while uncached renders run.

    .venv/bin/python bench/server_memory.py                         # 2 workers, 20 MP, 32 conns
    .venv/bin/python bench/server_memory.py --workers 1 --photos 20MP 2.3MP
    .venv/bin/python bench/server_memory.py --env IMAGEKIT_RENDER_WORKERS=2   # try a setting

The server runs with the derived cache off (every request renders `w-400,q-80`), SQLite + local
blobs, in its own session; wrk loads it with 32 connections for `--seconds` per photo (photos in
the order given). Reported: each live process's `VmHWM` (its peak resident set) and their sum
after the loads, the process group's resident set sampled every 50 ms (its peak is what the
machine had to hold at once; the `VmHWM` sum is an upper bound of it, since processes peak at
different moments), and the throughput of each load.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.transform.load import wrk
from bench.transform.photos import photos
from bench.transform.servers import ImagekitServer

MB = 1024 * 1024


def group_processes(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(stat[2]) == pgid:  # field 5 of /proc/PID/stat: the process group
            pids.append(int(entry.name))
    return pids


def status_kb(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def describe(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(word.decode(errors="replace") for word in words if word)
    return text.replace(sys.executable, "python")[:90]


class GroupPeak:
    """The process group's summed VmRSS, sampled every 50 ms inside a ``with`` block."""

    def __init__(self, pgid: int) -> None:
        self.pgid, self.peak = pgid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(status_kb(pid, "VmRSS") for pid in group_processes(self.pgid)) * 1024
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> GroupPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--photos", nargs="+", default=["20MP"])
    parser.add_argument("--env", nargs="*", default=[], help="KEY=VALUE for the server")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    images = photos()
    with tempfile.TemporaryDirectory(prefix="ik-mem-") as temp:
        server = ImagekitServer(Path(temp), args.workers, 0, cache=False, extra_env=env)
        try:
            pgid = server.process.pid  # started in its own session: the group's leader
            print(f"after start-up: {_summary(pgid)}")
            for label in args.photos:
                path = images[label]
                base = server.upload(path.name, path.read_bytes())
                url = base.replace("/demo/", "/demo/tr:w-400,q-80/")
                with GroupPeak(pgid) as peak:
                    result = wrk(url, args.connections, args.seconds, {"Accept": "image/jpeg"})
                print(
                    f"{label}: {result.requests_per_second:.1f} img/s, p99 {result.p99_ms:.0f} ms, "
                    f"errors {result.errors}; group RSS peak {peak.peak / MB:.0f} MB; "
                    f"{_summary(pgid)}"
                )
            for pid in sorted(group_processes(pgid)):
                hwm, rss = status_kb(pid, "VmHWM") / 1024, status_kb(pid, "VmRSS") / 1024
                print(f"  {pid}: VmHWM {hwm:.0f} MB, VmRSS {rss:.0f} MB  {describe(pid)}")
        finally:
            server.stop()
    return 0


def _summary(pgid: int) -> str:
    pids = group_processes(pgid)
    hwm = sum(status_kb(pid, "VmHWM") for pid in pids) / 1024
    rss = sum(status_kb(pid, "VmRSS") for pid in pids) / 1024
    return f"{len(pids)} processes, VmHWM summed {hwm:.0f} MB, VmRSS summed {rss:.0f} MB"


if __name__ == "__main__":
    raise SystemExit(main())
