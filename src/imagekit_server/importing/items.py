"""What a source yields: files, each with its versions oldest first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

# Materialises a version's bytes: given a fresh temp path, returns the path to ingest (the
# temp path after writing to it, or an existing local file, which the store then copies).
Fetch = Callable[[Path], Path]


@dataclass(frozen=True)
class Attributes:
    """What an upload can set besides the bytes (docs/reference/api.md upload parameters)."""

    tags: list[str] | None = None
    custom_metadata: dict[str, Any] | None = None
    custom_coordinates: str | None = None
    is_private: bool = False
    is_published: bool = True
    description: str | None = None


@dataclass(frozen=True)
class ImportVersion:
    key: str  # stable across runs: what the resume journal records
    fetch: Fetch
    attributes: Attributes = field(default_factory=Attributes)
    size: int | None = None


@dataclass(frozen=True)
class ImportFile:
    folder: str  # "/" or "/a/b"
    name: str
    versions: list[ImportVersion]  # oldest first; the last ends current


class Source(Protocol):
    """A library to import from."""

    def describe(self) -> str:
        """Identifies the source (it names the resume journal): same source, same text."""
        ...

    def files(self) -> Iterator[ImportFile]:
        """The files, listed lazily so a large library is never held in memory."""
        ...

    def custom_metadata_fields(self) -> list[dict[str, Any]]:
        """Field definitions (``name``, ``label``, ``schema``) the files' values need."""
        ...
