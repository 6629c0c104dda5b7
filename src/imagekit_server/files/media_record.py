"""What the library records about a file's bytes (made by files/media_facts.py for images
and video/facts.py for videos)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MediaFacts:
    file_type: str
    format: str
    mime: str
    size: int
    width: int | None
    height: int | None
    has_alpha: bool
    orientation: int | None
    embedded_metadata: dict[str, Any] | None
    metadata: dict[str, Any] | None
    duration: float | None = None  # videos, in seconds
