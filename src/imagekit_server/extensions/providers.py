"""The provider Protocols, one per capability, and the values they exchange.

A provider gets the encoded bytes of the stored file and either returns its result or raises
``ProviderError`` with a reason an operator can act on (it ends in the log and the webhook).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class ProviderError(Exception):
    """The provider could not produce a result; the message says why (safe to show)."""


@dataclass(frozen=True)
class Label:
    name: str
    confidence: float  # 0..100


@dataclass(frozen=True)
class BackgroundOptions:
    """``remove-bg`` options as ImageKit documents them (remove.bg's own parameters)."""

    add_shadow: bool = False
    semitransparency: bool = True
    bg_color: str | None = None
    bg_image_url: str | None = None


@dataclass(frozen=True)
class Cutout:
    """A background removal result: an encoded image (PNG, with alpha unless a background
    colour or image was asked for)."""

    data: bytes
    format: str = "png"


class Tagger(Protocol):
    #: False for slow providers (remote services, models): they run as background jobs.
    inline: bool

    def labels(self, image: bytes, *, max_labels: int, min_confidence: float) -> list[Label]:
        """The image's labels, most confident first, at most ``max_labels``."""
        ...


class BackgroundRemover(Protocol):
    inline: bool

    def remove_background(self, image: bytes, options: BackgroundOptions) -> Cutout: ...


class Describer(Protocol):
    inline: bool

    def describe(self, image: bytes) -> str: ...


def best_labels(labels: list[Label], *, max_labels: int, min_confidence: float) -> list[Label]:
    """Labels at or above ``min_confidence``, most confident first, one per name."""
    seen: set[str] = set()
    kept: list[Label] = []
    for label in sorted(labels, key=lambda item: -item.confidence):
        key = label.name.casefold()
        if label.confidence >= min_confidence and key not in seen:
            seen.add(key)
            kept.append(label)
    return kept[:max_labels]
