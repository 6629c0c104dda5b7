"""Write what the hot path only noted in memory (bandwidth counts, derived-cache use) every
few seconds, in a daemon thread, and once more when the server stops."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from imagekit_server.context import ServerContext

log = logging.getLogger("imagekit_server.periodic_flush")

Flush = tuple[str, Callable[[ServerContext], object]]  # (what it writes, the function)


class PeriodicFlusher:
    """Calls every flush every ``interval`` seconds; a failing one is logged and retried on
    the next round (the database may be briefly unavailable), the others still run."""

    def __init__(self, context: ServerContext, interval: float, flushes: Sequence[Flush]) -> None:
        self.context = context
        self.interval = interval
        self.flushes = list(flushes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="periodic-flush", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._flush()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._flush()

    def _flush(self) -> None:
        for what, flush in self.flushes:
            try:
                flush(self.context)
            except Exception:
                log.warning("could not write %s", what, exc_info=True)
