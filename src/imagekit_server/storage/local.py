"""``LocalBlobStore``: blobs as plain files under a root directory.

Writes land in a temporary file under ``root/.tmp/`` (same filesystem) and are moved into place
with ``os.replace``, so readers see either the old file or the whole new one. An open file keeps
its inode, so a stream that started before an overwrite keeps reading the old bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from typing import BinaryIO

from .base import (
    BlobNotFound,
    BlobStat,
    InvalidBlobKey,
    check_range,
    validate_key,
    validate_prefix,
)

__all__ = ["LocalBlobStore"]

TEMP_DIR_NAME = ".tmp"
_FILE_MODE = 0o644
# A concurrent delete may prune the parent directory between mkdir and rename; retry that often.
_INSTALL_ATTEMPTS = 10
# Errors that mean "no blob here": missing, or a path component is a file or the key a folder.
_MISSING_ERRORS = (FileNotFoundError, NotADirectoryError, IsADirectoryError)


class LocalBlobStore:
    """A ``BlobStore`` keeping each blob in the file ``root/<key>``."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self.temp_dir = self.root / TEMP_DIR_NAME
        """Spool files here (same filesystem as the blobs) to make ``put_file`` a rename."""
        self.temp_dir.mkdir(exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    # -- writing ---------------------------------------------------------------------------

    def put_bytes(self, key: str, data: bytes) -> None:
        self._put_bytes(key, data, durable_name=True)

    def put_cache_bytes(self, key: str, data: bytes) -> None:
        """``put_bytes`` for a blob the server can make again (a derived image): its contents
        are synced before the rename, so a crash never leaves a torn blob, but the folder
        entries are not, so a crash may lose the blob (a cache miss). Saves one or more
        directory ``fsync``s per rendered variant (bench/README.md)."""
        self._put_bytes(key, data, durable_name=False)

    def _put_bytes(self, key: str, data: bytes, *, durable_name: bool) -> None:
        path = self._path(key)
        fd, temp_name = tempfile.mkstemp(dir=self.temp_dir, prefix="put-")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                _seal(file)
            self._install(temp, path, key, durable_name=durable_name)
        finally:
            temp.unlink(missing_ok=True)

    def put_file(self, key: str, source: Path) -> None:
        path = self._path(key)
        temp = self.temp_dir / f"put-{secrets.token_hex(8)}"
        try:
            if not self._link_spooled(source, temp):
                with open(source, "rb") as src, open(temp, "xb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                    _seal(dst)
            self._install(temp, path, key)
        finally:
            temp.unlink(missing_ok=True)

    def _link_spooled(self, source: Path, temp: Path) -> bool:
        """Hard-link a file spooled under ``temp_dir`` (no bytes copied); False if not spooled
        there or on another filesystem. Files elsewhere are copied: a link would let later
        writes to the caller's file change the blob."""
        if not source.resolve().is_relative_to(self.temp_dir):
            return False
        with open(source, "rb") as file:
            _seal(file)
        try:
            os.link(source, temp)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            return False
        return True

    def copy(self, source_key: str, target_key: str) -> None:
        source = self._path(source_key)
        target = self._path(target_key)
        if not source.is_file():
            raise BlobNotFound(source_key)
        # Blobs are only ever replaced, never written in place, so sharing the inode is safe.
        temp = self.temp_dir / f"copy-{secrets.token_hex(8)}"
        try:
            try:
                os.link(source, temp)
            except _MISSING_ERRORS:
                raise BlobNotFound(source_key) from None
            self._install(temp, target, target_key)
        finally:
            temp.unlink(missing_ok=True)

    def _install(self, temp: Path, path: Path, key: str, *, durable_name: bool = True) -> None:
        """Move ``temp`` over ``path`` atomically and (``durable_name``) make the rename and the
        folders it needed durable."""
        for attempt in range(_INSTALL_ATTEMPTS):
            try:
                _make_folders(path.parent, durable=durable_name)
                os.replace(temp, path)
                break
            except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
                raise InvalidBlobKey(
                    f"blob key {key!r} clashes with an existing blob or folder on disk"
                ) from exc
            except FileNotFoundError:
                if attempt == _INSTALL_ATTEMPTS - 1:
                    raise
        if not durable_name:
            return
        # A concurrent delete of this very key may already have pruned the folder: no matter.
        with contextlib.suppress(FileNotFoundError):
            _fsync_dir(path.parent)

    # -- reading ---------------------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        with self._open(key) as file:
            return file.read()

    def iter_range(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = 1 << 20
    ) -> Iterator[bytes]:
        check_range(start, end)
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
        # Opened now, not on first next(): BlobNotFound surfaces at the call.
        file = self._open(key)
        return _read_chunks(file, start, end, chunk_size)

    def stat(self, key: str) -> BlobStat | None:
        try:
            result = self._path(key).stat()
        except _MISSING_ERRORS:
            return None
        if not S_ISREG(result.st_mode):
            return None
        modified = datetime.fromtimestamp(result.st_mtime, tz=timezone.utc)
        return BlobStat(size=result.st_size, modified=modified)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        validate_prefix(prefix)
        base = prefix.rpartition("/")[0]
        return _walk_sorted(self.root / base, base, prefix, skip=self.temp_dir)

    # -- deleting --------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except _MISSING_ERRORS:
            return
        self._prune_empty_parents(path.parent)

    def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix)
        if not prefix:
            raise InvalidBlobKey("refusing to delete an empty prefix (the whole store)")
        removed = 0
        for key in list(self.list_keys(prefix)):
            with contextlib.suppress(*_MISSING_ERRORS):
                (self.root / key).unlink()
                removed += 1
        base = self.root / prefix.rpartition("/")[0]
        self._prune_empty_tree(base)
        self._prune_empty_parents(base)
        return removed

    def _prune_empty_tree(self, top: Path) -> None:
        if top == self.root or not top.is_dir():
            return
        for directory, _subdirs, _files in os.walk(top, topdown=False):
            with contextlib.suppress(OSError):
                os.rmdir(directory)

    def _prune_empty_parents(self, directory: Path) -> None:
        """Remove now-empty folders from ``directory`` up to (not including) the root."""
        while directory != self.root and directory.is_relative_to(self.root):
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent

    # -- housekeeping ----------------------------------------------------------------------

    def remove_stale_temp_files(self, older_than: timedelta = timedelta(hours=6)) -> int:
        """Delete files in ``temp_dir`` not modified for ``older_than`` (left by a crash or an
        abandoned upload); returns how many. Safe to run while the store is in use as long as
        no write takes longer than ``older_than``."""
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        for entry in os.scandir(self.temp_dir):
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
        return removed

    # -- keys to paths ---------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        validate_key(key)
        if key.split("/", 1)[0] == TEMP_DIR_NAME:
            raise InvalidBlobKey(f"blob keys under {TEMP_DIR_NAME}/ are reserved: {key!r}")
        path = self.root / key
        # Symlinks inside the root must not lead out of it.
        if self._has_symlink(key) and not path.resolve().is_relative_to(self.root):
            raise InvalidBlobKey(f"blob key resolves outside the store: {key!r}")
        return path

    def _has_symlink(self, key: str) -> bool:
        """Whether a component of ``key`` (a valid key: no ``.``, ``..`` or empty segment) is a
        symlink. One ``lstat`` per component below the (resolved) root, instead of
        ``Path.resolve``'s walk from ``/`` in Python on every read and write: an uncached
        render paid ~0.5 % of its instructions for it (bench/README.md)."""
        path = str(self.root)
        for part in key.split("/"):
            path += "/" + part
            try:
                if S_ISLNK(os.lstat(path).st_mode):
                    return True
            except OSError:  # missing (or unreadable): nothing below it is a link either
                return False
        return False

    def _open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")  # the caller owns (and closes) the file
        except _MISSING_ERRORS:
            raise BlobNotFound(key) from None


def _read_chunks(file: BinaryIO, start: int, end: int | None, chunk_size: int) -> Iterator[bytes]:
    with file:
        file.seek(start)
        remaining = None if end is None else end - start
        while remaining is None or remaining > 0:
            want = chunk_size if remaining is None else min(chunk_size, remaining)
            chunk = file.read(want)
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk


def _walk_sorted(directory: Path, base: str, prefix: str, skip: Path) -> Iterator[str]:
    """Keys under ``directory`` (whose key is ``base``) starting with ``prefix``, sorted.

    A folder sorts as its name plus ``/``, so visiting entries in that order and recursing
    yields keys in the same order as sorting the full key strings.
    """
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    named: list[tuple[str, os.DirEntry[str]]] = []
    for entry in entries:
        if entry.path == str(skip):
            continue
        key = f"{base}/{entry.name}" if base else entry.name
        is_dir = entry.is_dir()
        sort_name = key + "/" if is_dir else key
        if sort_name.startswith(prefix) or (is_dir and prefix.startswith(sort_name)):
            named.append((sort_name, entry))
    for sort_name, entry in sorted(named, key=lambda item: item[0]):
        if sort_name.endswith("/"):
            yield from _walk_sorted(Path(entry.path), sort_name[:-1], prefix, skip)
        elif entry.is_file():
            yield sort_name


def _make_folders(directory: Path, *, durable: bool = True) -> None:
    """``mkdir -p`` that (``durable``) fsyncs each parent it adds an entry to, so new folders
    survive a crash."""
    missing: list[Path] = []
    while not directory.is_dir() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue  # made by a concurrent writer, or a file (then os.replace reports the clash)
        if durable:
            _fsync_dir(folder.parent)


def _seal(file: BinaryIO) -> None:
    """Flush and fsync ``file`` and give it ordinary read permissions."""
    file.flush()
    os.fsync(file.fileno())
    os.fchmod(file.fileno(), _FILE_MODE)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
