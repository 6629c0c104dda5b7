"""Temp files for uploads in progress, on the blob store's filesystem when it is local (so
storing a spooled upload is a hard link, not a copy).

Each name carries the lease token of the process that wrote it
(``upload-<token>-<random>``), so the sweep in runtime/leftovers.py can remove what a dead
process left.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

_PREFIX = "upload-"


@dataclass(frozen=True)
class SpoolArea:
    directory: Path
    owner: str  # this process's lease token

    def new_file(self) -> tuple[int, Path]:
        """An open descriptor and the path of a new, empty temp file."""
        fd, name = tempfile.mkstemp(prefix=f"{_PREFIX}{self.owner}-", dir=self.directory)
        return fd, Path(name)

    def new_path(self) -> Path:
        fd, path = self.new_file()
        os.close(fd)
        return path

    def own_files(self) -> list[Path]:
        return list(self.directory.glob(f"{_PREFIX}{self.owner}-*"))

    def remove_own_files(self) -> None:
        for path in self.own_files():
            path.unlink(missing_ok=True)


def owner_of(path: Path) -> str | None:
    if not path.name.startswith(_PREFIX):
        return None
    owner, dash, _ = path.name[len(_PREFIX) :].partition("-")
    return owner if dash else None
