"""Rules a file's tag list obeys (docs/reference/api.md §7): at most 500 characters in total, no
``%``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from imagekit_server.errors import BadRequest

MAX_TAGS_LENGTH = 500


def checked_tags(tags: Iterable[str]) -> list[str]:
    """Stripped, de-duplicated (first occurrence wins) and within the limits."""
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if any("%" in tag for tag in cleaned):
        raise BadRequest("Tags must not contain '%'.")
    if sum(len(tag) for tag in cleaned) > MAX_TAGS_LENGTH:
        raise BadRequest(f"Tags may have at most {MAX_TAGS_LENGTH} characters in total.")
    return cleaned


def merged_tags(current: list[str] | None, added: Iterable[str]) -> list[str]:
    """``current`` followed by the ``added`` tags it lacks."""
    return checked_tags([*(current or []), *added])


def without_tags(current: list[str] | None, removed: Iterable[str]) -> list[str] | None:
    """``current`` minus ``removed``; None when nothing is left (files without tags show null)."""
    gone = set(removed)
    left = [tag for tag in current or [] if tag not in gone]
    return left or None


def without_ai_tags(
    current: list[dict[str, Any]] | None, names: Iterable[str] | None
) -> list[dict[str, Any]] | None:
    """AI tags minus those named (``names=None`` removes all)."""
    if names is None:
        return None
    gone = set(names)
    left = [tag for tag in current or [] if tag.get("name") not in gone]
    return left or None
