"""A lease that marks this process as alive, so that start-up recovery can tell the leftovers
of a dead process (a temp spool directory, a blob intent) from work still in progress.

Each process holds an exclusive ``flock`` on ``<run_dir>/<token>.lock`` for its lifetime; the
kernel drops the lock when the process dies, even by SIGKILL. Work a process leaves behind is
labelled with its token.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from pathlib import Path
from typing import IO


class ProcessLease:
    def __init__(self, run_dir: Path) -> None:
        run_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir = run_dir
        self.token = secrets.token_hex(6)
        self._handle: IO[str] | None = (run_dir / f"{self.token}.lock").open("w")
        fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._handle.write(str(os.getpid()))
        self._handle.flush()

    def release(self) -> None:
        if self._handle is None:
            return
        (self.run_dir / f"{self.token}.lock").unlink(missing_ok=True)
        self._handle.close()
        self._handle = None


def lease_is_dead(run_dir: Path, token: str) -> bool | None:
    """True when the lease's process is gone, False when alive, None when unknown here (the
    token belongs to a process on another machine, or its lock file was removed)."""
    path = run_dir / f"{token}.lock"
    try:
        handle = path.open("r")
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def remove_dead_lease(run_dir: Path, token: str) -> None:
    (run_dir / f"{token}.lock").unlink(missing_ok=True)
