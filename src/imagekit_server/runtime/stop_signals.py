"""SIGTERM and SIGINT stop a serving process through its normal clean-up.

While it serves, the HTTP server (cli/http_server.py) handles both signals and shuts down
gracefully; before and after that, Python's defaults would kill the process on the spot, so the
``finally`` that releases its lease file and removes its temp files would never run. Under
``stopping_on_signals`` a signal that arrives outside serving becomes ``StopRequested`` instead,
which unwinds like any exception.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["STOP_SIGNALS", "StopRequested", "stopping_on_signals"]

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopRequested(Exception):
    """A stop signal arrived; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopRequested(signum)


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Within the block a stop signal raises ``StopRequested``; the block's ``finally``
    clauses run, then the exception is swallowed here (a requested stop is a clean exit)."""
    previous = {sig: signal.signal(sig, _raise_stop) for sig in STOP_SIGNALS}
    try:
        yield
    except StopRequested:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
