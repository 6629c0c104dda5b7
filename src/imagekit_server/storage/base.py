"""The blob-store contract: keys, errors, metadata and the ``BlobStore`` Protocol.

A blob store keeps opaque bytes under slash-separated keys (``"a/b/c.ext"``). Every backend
(local disk, S3, or a third-party one registered with ``register_backend``) satisfies the same
Protocol and passes the same contract test-suite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = [
    "MAX_KEY_LENGTH",
    "BlobNotFound",
    "BlobReadInterrupted",
    "BlobStat",
    "BlobStore",
    "InvalidBlobKey",
    "check_range",
    "validate_key",
    "validate_prefix",
]

MAX_KEY_LENGTH = 512

# Deliberately narrow: the same key must be a safe file name on every disk and a plain S3 key.
_KEY_CHARS = re.compile(r"[A-Za-z0-9._/-]*")


class BlobNotFound(KeyError):
    """No blob is stored under the key (the key is the exception's only argument)."""


class InvalidBlobKey(ValueError):
    """The key (or prefix) is not acceptable: bad characters, traversal, too long, ..."""


class BlobReadInterrupted(OSError):
    """A stream broke mid-blob and the rest could not be read from the same version of it."""


@dataclass(frozen=True)
class BlobStat:
    """Size in bytes and last-modified time (timezone-aware, UTC) of a stored blob."""

    size: int
    modified: datetime


@runtime_checkable
class BlobStore(Protocol):
    """Where the server keeps file bytes: originals, versions and derived images.

    Methods that take a key validate it with ``validate_key`` and raise ``InvalidBlobKey``.
    Implementations must be safe to call from several threads at once.
    """

    def put_file(self, key: str, source: Path) -> None:
        """Store the contents of ``source`` under ``key``, replacing any previous blob atomically:
        readers see the old blob or the whole new one, never a mix. ``source`` is left in place
        (the caller removes it)."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing any previous blob atomically.

        Optional: ``put_cache_bytes(key, data)``, the same for a blob the server can make again
        (derived images), which may then be lost in a crash but never torn; the derived cache
        uses it where a backend has it (``LocalBlobStore`` skips its folder fsyncs)."""

    def copy(self, source_key: str, target_key: str) -> None:
        """Store the blob at ``source_key`` under ``target_key`` too, replacing any blob there
        atomically; the two are independent afterwards. Backends copy without a round trip
        through this process where they can (a hard link, a server-side S3 copy). Raises
        ``BlobNotFound`` (naming ``source_key``) when there is no source blob."""

    def get_bytes(self, key: str) -> bytes:
        """The whole blob. Raises ``BlobNotFound``."""

    def iter_range(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = 1 << 20
    ) -> Iterator[bytes]:
        """Stream bytes ``[start, end)`` of the blob in chunks of at most ``chunk_size`` bytes.

        ``end=None`` (or an ``end`` past the size) means up to the end of the blob; a ``start`` at
        or past the size yields nothing. ``BlobNotFound`` is raised by the call itself, before
        iteration starts, so a server can answer 404 before it begins a response. The stream
        reads one version of the blob even if it is overwritten meanwhile; if it cannot (a
        remote stream broke and the blob changed before it could resume), iteration raises
        ``BlobReadInterrupted``.
        """

    def stat(self, key: str) -> BlobStat | None:
        """Size and modification time, or ``None`` when there is no such blob."""

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under ``key``."""

    def delete(self, key: str) -> None:
        """Remove the blob; deleting a missing blob is not an error."""

    def delete_prefix(self, prefix: str) -> int:
        """Remove every blob whose key starts with ``prefix`` (a plain string prefix, so
        ``"a/b"`` also matches ``"a/bc"``; pass ``"a/b/"`` for a folder). Returns how many were
        removed. An empty prefix is refused (``InvalidBlobKey``) rather than wiping the store."""

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with ``prefix``, in ascending lexicographic order."""

    def local_path(self, key: str) -> Path | None:
        """The blob's real file path when it lives on local disk (for zero-copy ``sendfile``),
        else ``None`` (also when the blob does not exist). Treat the file as read-only."""


def validate_key(key: str) -> str:
    """Return ``key`` unchanged if it is a valid blob key, else raise ``InvalidBlobKey``.

    A key is ``/``-separated segments of ``[A-Za-z0-9._-]``, at most 512 characters, with no
    leading or trailing ``/``, no empty segment, no ``.`` segment and no ``..`` anywhere.
    """
    if not isinstance(key, str) or not key:
        raise InvalidBlobKey(f"blob key must be a non-empty string: {key!r}")
    _check_text(key)
    if any(segment in ("", ".") for segment in key.split("/")):
        raise InvalidBlobKey(f"blob key has an empty or '.' segment: {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """Return ``prefix`` unchanged if some valid key could start with it, else raise.

    Like a key, but it may be empty and may end with ``/`` (a folder) or in the middle of a
    segment.
    """
    if not isinstance(prefix, str):
        raise InvalidBlobKey(f"blob key prefix must be a string: {prefix!r}")
    if not prefix:
        return prefix
    _check_text(prefix)
    if any(segment in ("", ".") for segment in prefix.split("/")[:-1]):
        raise InvalidBlobKey(f"blob key prefix has an empty or '.' segment: {prefix!r}")
    return prefix


def check_range(start: int, end: int | None) -> None:
    """Refuse a negative ``start`` or an ``end`` before ``start`` (``ValueError``)."""
    if start < 0:
        raise ValueError(f"range start must be >= 0, got {start}")
    if end is not None and end < start:
        raise ValueError(f"range end ({end}) must be >= start ({start})")


def _check_text(text: str) -> None:
    if len(text) > MAX_KEY_LENGTH:
        raise InvalidBlobKey(f"blob key is longer than {MAX_KEY_LENGTH} characters")
    if not _KEY_CHARS.fullmatch(text):
        raise InvalidBlobKey(f"blob key has characters outside [A-Za-z0-9._/-]: {text!r}")
    if text.startswith("/"):
        raise InvalidBlobKey(f"blob key must not start with '/': {text!r}")
    if ".." in text:
        raise InvalidBlobKey(f"blob key must not contain '..': {text!r}")
