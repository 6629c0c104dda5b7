"""The resume journal: which versions an import has stored, one key per line.

It lives under ``<data dir>/imports/`` and is named after the account, target folder and
source, so rerunning the same command continues where an interrupted run stopped. A line is
appended (and flushed) only after the version's records are committed; a crash between the two
re-imports that one version on the next run (docs/import.md).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TextIO


class Journal:
    def __init__(self, path: Path, header: str) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._done: set[str] = set()
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            self._done = {line for line in lines if line and not line.startswith("# ")}
        self._lock = threading.Lock()
        self._handle: TextIO = path.open("a", encoding="utf-8")
        if path.stat().st_size == 0:
            self._handle.write(f"# {header}\n")
            self._handle.flush()

    @classmethod
    def for_import(cls, data_dir: Path, identity: str) -> Journal:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
        return cls(data_dir / "imports" / f"{digest}.journal", identity)

    def __len__(self) -> int:
        return len(self._done)

    def done(self, key: str) -> bool:
        return key in self._done

    def record(self, key: str) -> None:
        # Keys come from the source (S3 keys, file ids): one per line, so no newlines inside.
        clean = key.replace("\n", " ")
        with self._lock:
            self._done.add(clean)
            self._handle.write(f"{clean}\n")
            self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
