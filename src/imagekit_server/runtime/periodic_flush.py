"""Background upkeep in one daemon thread: write what the hot path only noted in memory
(bandwidth counts, derived-cache use) every few seconds, refresh SQLite's statistics hourly,
and flush once more when the server stops."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from imagekit_server.context import ServerContext

log = logging.getLogger("imagekit_server.runtime.periodic_flush")


@dataclass(frozen=True)
class Flush:
    what: str  # for the log, e.g. "bandwidth usage"
    function: Callable[[ServerContext], object]
    period: float | None = None  # seconds between runs; None: every round
    at_stop: bool = True  # also when the server stops


class PeriodicFlusher:
    """Runs every due flush each ``interval`` seconds; a failing one is logged and retried on
    a later round (the database may be briefly unavailable), the others still run."""

    def __init__(self, context: ServerContext, interval: float, flushes: Sequence[Flush]) -> None:
        self.context = context
        self.interval = interval
        self.flushes = list(flushes)
        started = time.monotonic()
        self._due = {flush.what: started + (flush.period or 0.0) for flush in self.flushes}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="periodic-flush", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        for flush in self.flushes:
            if flush.at_stop:
                self._call(flush)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            now = time.monotonic()
            for flush in self.flushes:
                if now >= self._due[flush.what]:
                    self._due[flush.what] = now + (flush.period or 0.0)
                    self._call(flush)

    def _call(self, flush: Flush) -> None:
        try:
            flush.function(self.context)
        except Exception:
            log.warning("could not write %s", flush.what, exc_info=True)
