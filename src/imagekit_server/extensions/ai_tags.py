"""How extension results land in a file's ``AITags`` (docs/extensions.md): a tagging run adds
its labels as ``{name, confidence, source}``; a name already present (case-insensitive) is
replaced by the new entry, every other existing tag is kept. ``overwriteAITags`` on an
overwriting upload and ``removeAITags`` on an update (which runs before extensions) are the
ways to drop tags."""

from __future__ import annotations

from typing import Any

from imagekit_server.extensions.providers import Label


def tag_entries(labels: list[Label], source: str) -> list[dict[str, Any]]:
    return [
        {"name": label.name, "confidence": round(label.confidence, 2), "source": source}
        for label in labels
    ]


def merged(
    existing: list[dict[str, Any]] | None, added: list[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    new_names = {str(tag["name"]).casefold() for tag in added}
    kept = [tag for tag in existing or [] if str(tag.get("name", "")).casefold() not in new_names]
    result = kept + added
    return result or existing
