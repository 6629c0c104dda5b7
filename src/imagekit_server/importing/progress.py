"""A progress line on stderr: rewritten in place on a terminal, printed every few seconds
otherwise (logs, CI)."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

MB = 1024 * 1024


@dataclass
class Counts:
    imported: int = 0  # versions stored in this run
    skipped: int = 0  # already imported (journal) or present in the target
    failed: int = 0
    bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, imported: int = 0, skipped: int = 0, failed: int = 0, size: int = 0) -> None:
        with self.lock:
            self.imported += imported
            self.skipped += skipped
            self.failed += failed
            self.bytes += size


class Progress:
    def __init__(
        self,
        counts: Counts,
        total: int | None,
        stream: TextIO | None = None,
        *,
        enabled: bool = True,
        interval: float | None = None,
    ) -> None:
        self.counts = counts
        self.total = total
        self.stream = stream or sys.stderr  # read now: tests and callers may redirect it
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self.interval = interval if interval is not None else (0.2 if self.tty else 5.0)
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="import-progress", daemon=True)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
            self._print(final=True)

    def note(self, message: str) -> None:
        """A line above the progress line (a failure, a skipped file)."""
        prefix = "\r\x1b[K" if self.tty and self.enabled else ""
        self.stream.write(f"{prefix}{message}\n")
        self.stream.flush()

    def line(self) -> str:
        counts = self.counts
        elapsed = max(time.monotonic() - self.started, 1e-6)
        done = counts.imported + counts.skipped + counts.failed
        rate = counts.imported / elapsed
        text = f"import: {done}"
        if self.total:
            text += f"/{self.total} ({done / self.total:.0%})"
            bar_width = 20
            filled = int(bar_width * min(done / self.total, 1.0))
            text = f"[{'#' * filled}{'.' * (bar_width - filled)}] {text}"
        text += (
            f" versions, {counts.imported} imported, {counts.skipped} skipped, "
            f"{counts.failed} failed, {counts.bytes / MB:.1f} MB, {rate:.1f}/s"
        )
        if self.total and rate > 0 and done < self.total:
            text += f", ETA {int((self.total - done) / max(done / elapsed, 1e-6))}s"
        return text

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._print(final=False)

    def _print(self, *, final: bool) -> None:
        if self.tty:
            end = "\n" if final else ""
            self.stream.write(f"\r\x1b[K{self.line()}{end}")
        else:
            self.stream.write(f"{self.line()}\n")
        self.stream.flush()
