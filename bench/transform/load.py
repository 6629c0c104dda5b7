"""Drive a URL with wrk and watch the memory of a process tree meanwhile."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    requests: int  # completed in the run
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx plus socket errors


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def wrk(
    url: str, connections: int, seconds: float, headers: dict[str, str] | None = None
) -> LoadResult:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "60s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    p50 = _percentile(output, "50%")
    p99 = _percentile(output, "99%")
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(value) for value in match.groups())
    return LoadResult(rate, total, p50, p99, errors)


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"{label}\s+(\S+)", output)
    return _milliseconds(match.group(1)) if match else float("nan")


def _tree(root_pid: int) -> list[int]:
    """A process and all its descendants (those alive now)."""
    found, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        found.append(pid)
        pending += [int(child) for child in children]
    return found


def tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of a process tree: machine speed drifts by a third within
    minutes here, so efficiency is compared as CPU per request, which drifts far less."""
    ticks = 0
    for pid in _tree(root_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total = 0
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        if match := re.search(r"VmRSS:\s+(\d+) kB", status):
            total += int(match.group(1)) * 1024
        pending += [int(child) for child in children]
    return total


class PeakMemory:
    """Samples ``tree_rss_bytes`` every 50 ms inside a ``with`` block."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.root_pid))
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
