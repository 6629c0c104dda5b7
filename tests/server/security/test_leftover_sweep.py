"""The temp-file sweep (runtime/leftovers.py) runs at start-up and periodically: a dead
process's upload leftovers go at once, unowned temp files and unused fonts once old enough,
and never a file of a live process (issue 11, "under faults"; item 10 for the fonts)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imagekit_server import app as app_module
from imagekit_server.app import create_app
from imagekit_server.context import open_context, run_dir
from imagekit_server.runtime.leftovers import (
    FONT_IDLE_AGE,
    SAFE_AGE,
    Swept,
    font_directory,
    sweep_directories,
)
from imagekit_server.runtime.process_lease import ProcessLease
from imagekit_server.settings import Settings


def dead_lease(runs: Path) -> str:
    """The token of a process that took a lease and died (its lock file stays behind)."""
    code = (
        "import sys; from pathlib import Path; from imagekit_server.runtime.process_lease import "
        "ProcessLease; print(ProcessLease(Path(sys.argv[1])).token)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(runs)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def plant(path: Path, age: float = 0.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"leftover")
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def test_what_the_sweep_removes_and_keeps(tmp_path: Path) -> None:
    spool, runs, fonts = tmp_path / "spool", tmp_path / "run", tmp_path / "fonts"
    live = ProcessLease(runs)
    dead = dead_lease(runs)
    keep = [
        plant(spool / f"upload-{live.token}-fresh"),
        plant(spool / f"upload-{live.token}-stalled", age=10 * SAFE_AGE),  # never a live one's
        plant(spool / "put-fresh"),
        plant(spool / "upload-elsewhere-fresh"),  # another machine's, still being written
        plant(fonts / "recent.ttf", age=FONT_IDLE_AGE / 2),
    ]
    gone = [
        plant(spool / f"upload-{dead}-fresh"),  # its writer is dead: no need to wait
        plant(spool / "put-old", age=SAFE_AGE + 60),
        plant(spool / "upload-elsewhere-old", age=SAFE_AGE + 60),
        plant(fonts / "unused.ttf", age=FONT_IDLE_AGE + 60),
    ]
    assert sweep_directories(spool, runs, fonts) == Swept(temp_files=3, fonts=1)
    assert all(path.exists() for path in keep)
    assert not any(path.exists() for path in gone)
    assert sweep_directories(tmp_path / "none", runs, tmp_path / "nofonts") == Swept()
    live.release()


def test_start_up_sweeps(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=tmp_path / "data", imagekit_id="demo")
    first = open_context(settings)
    spool = first.spool.directory
    first.close()
    dead = dead_lease(run_dir(settings))
    leftover = plant(spool / f"upload-{dead}-abc")
    old_font = plant(font_directory(settings) / "old.ttf", age=FONT_IDLE_AGE + 60)
    context = open_context(settings)
    try:
        assert not leftover.exists() and not old_font.exists()
    finally:
        context.close()


def test_the_running_server_sweeps_periodically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "SWEEP_PERIOD", 0.2)
    settings = Settings.from_env(
        {}, data_dir=tmp_path / "data", imagekit_id="demo", usage_flush_seconds=0.1
    )
    app = create_app(settings)

    async def serve_while_a_worker_dies() -> bool:
        async with app.router.lifespan_context(app):
            context = app.state.context
            mine = plant(context.spool.directory / f"upload-{context.lease.token}-busy")
            dead = dead_lease(run_dir(settings))  # e.g. a --workers sibling killed by OOM
            leftover = plant(context.spool.directory / f"upload-{dead}-half")
            deadline = time.monotonic() + 10
            while leftover.exists() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            return not leftover.exists() and mine.exists()

    assert asyncio.run(serve_while_a_worker_dies())
