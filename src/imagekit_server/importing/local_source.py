"""A folder tree on local disk: sub-folders become folders, each file one version."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imagekit_server.importing.items import Fetch, ImportFile, ImportVersion


class LocalSource:
    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise ValueError(f"not a directory: {root}")
        self.root = root.resolve()

    def describe(self) -> str:
        return f"folder:{self.root}"

    def count(self) -> int:
        return sum(1 for _ in self._walk(self.root, ""))

    def files(self) -> Iterator[ImportFile]:
        for relative, size in self._walk(self.root, ""):
            folder, _, name = relative.rpartition("/")
            version = ImportVersion(key=relative, fetch=_existing(self.root / relative), size=size)
            yield ImportFile(folder=f"/{folder}", name=name, versions=[version])

    def custom_metadata_fields(self) -> list[dict[str, Any]]:
        return []

    def _walk(self, directory: Path, prefix: str) -> Iterator[tuple[str, int]]:
        """Regular files in name order, depth first; hidden entries (``.DS_Store``, ``.git``)
        and symbolic links are skipped: a link could lead out of the tree."""
        with os.scandir(directory) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
        for entry in ordered:
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            relative = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(Path(entry.path), f"{relative}/")
            elif entry.is_file(follow_symlinks=False):
                yield relative, entry.stat(follow_symlinks=False).st_size


def _existing(path: Path) -> Fetch:
    """The file itself is ingested (the blob store copies it; it is never moved)."""

    def fetch(_temp: Path) -> Path:
        return path

    return fetch
