"""The files a server process writes outside the blob's own place, and the sweep that removes
what is left of them (docs/security-limits.md).

Every such file lies under the data dir or the store: upload spool files
(``upload-<lease token>-*``, runtime/spool.py) and the local store's ``put-*`` temp files in the
spool directory, and text layers' custom fonts in ``<data dir>/fonts``. The sweep runs at
start-up and then periodically (app.py), so what a dead process left goes promptly, not at
the next restart:

- a spool file whose writer's lease is dead on this machine goes at once (its writer is gone);
- any other file goes once untouched for ``SAFE_AGE`` (a writer on another machine, or a put of
  the store), except a spool file of a live process here, which is never touched;
- a font goes once unused for ``FONT_IDLE_AGE`` (each use refreshes its time).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from imagekit_server.runtime.process_lease import lease_is_dead
from imagekit_server.runtime.spool import owner_of
from imagekit_server.settings import Settings

__all__ = [
    "FONTS_DIR_NAME",
    "FONT_IDLE_AGE",
    "SAFE_AGE",
    "SWEEP_PERIOD",
    "Swept",
    "font_directory",
    "sweep_directories",
]

log = logging.getLogger("imagekit_server.runtime.leftovers")

FONTS_DIR_NAME = "fonts"
SAFE_AGE = 3600.0
"""Seconds a temp file must stay unmodified before a sweep may take it; a file being written
is modified continuously, and no upload or store write stalls this long."""
FONT_IDLE_AGE = 86400.0
SWEEP_PERIOD = 300.0
"""Seconds between periodic sweeps."""


@dataclass(frozen=True)
class Swept:
    temp_files: int = 0
    fonts: int = 0


def font_directory(settings: Settings) -> Path:
    return settings.data_dir / FONTS_DIR_NAME


def sweep_directories(
    spool_directory: Path,
    run_dir: Path,
    fonts: Path,
    *,
    now: float | None = None,
) -> Swept:
    """Remove the leftovers described above; returns how many files went."""
    current = time.time() if now is None else now
    temp_files = _sweep_spool(spool_directory, run_dir, current - SAFE_AGE)
    font_files = _remove_older(fonts, current - FONT_IDLE_AGE)
    if temp_files or font_files:
        log.info("removed %d temp file(s) and %d unused font(s)", temp_files, font_files)
    return Swept(temp_files, font_files)


def _sweep_spool(directory: Path, run_dir: Path, cutoff: float) -> int:
    removed = 0
    for path, modified in _files(directory):
        owner = owner_of(path)
        dead = lease_is_dead(run_dir, owner) if owner else None
        if dead is False:
            continue  # a live process on this machine may still be writing it
        if dead or modified < cutoff:
            removed += _unlink(path)
    return removed


def _remove_older(directory: Path, cutoff: float) -> int:
    return sum(_unlink(path) for path, modified in _files(directory) if modified < cutoff)


def _files(directory: Path) -> list[tuple[Path, float]]:
    """Plain files directly in ``directory`` with their modification times."""
    found: list[tuple[Path, float]] = []
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return found
    for entry in entries:
        with contextlib.suppress(FileNotFoundError):
            if entry.is_file(follow_symlinks=False):
                found.append((Path(entry.path), entry.stat(follow_symlinks=False).st_mtime))
    return found


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0  # another process's sweep was first
    return 1
