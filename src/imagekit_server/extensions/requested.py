"""The ``extensions`` parameter of upload (V1, V2) and update-file-details: validated entries,
saved extensions resolved to their configuration. A malformed entry is a 400 naming it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from imagekit_server.errors import BadRequest
from imagekit_server.extensions.configs import ExtensionConfigError, validate_extension_config

MAX_EXTENSIONS = 10


@dataclass(frozen=True)
class ExtensionRequest:
    name: str  # remove-bg | google-auto-tagging | aws-auto-tagging | ai-auto-description | ai-tasks
    config: dict[str, Any]


#: Saved extension id -> its stored configuration, or None when there is no such id.
SavedLookup = Callable[[str], dict[str, Any] | None]


def parse_extensions(raw: object, saved: SavedLookup) -> list[ExtensionRequest]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise BadRequest("Invalid extensions parameter: expected a JSON array.")
    if len(raw) > MAX_EXTENSIONS:
        raise BadRequest(f"Invalid extensions parameter: at most {MAX_EXTENSIONS} extensions.")
    requests: list[ExtensionRequest] = []
    for index, entry in enumerate(raw):
        where = f"extensions[{index}]"
        config = _config(entry, where, saved)
        if any(request.name == config["name"] for request in requests):
            raise BadRequest(f"Invalid {where}: {config['name']} is requested twice.")
        requests.append(ExtensionRequest(str(config["name"]), config))
    return requests


def _config(entry: object, where: str, saved: SavedLookup) -> dict[str, Any]:
    if isinstance(entry, dict) and entry.get("name") == "saved-extension":
        return _saved(entry, where, saved)
    try:
        return validate_extension_config(entry, where)
    except ExtensionConfigError as error:
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"{where} ({name})" if isinstance(name, str) and len(name) < 64 else where
        raise BadRequest(f"Invalid {label}: {error}") from error


def _saved(entry: dict[str, Any], where: str, saved: SavedLookup) -> dict[str, Any]:
    unknown = sorted(set(entry) - {"name", "id"})
    if unknown:
        raise BadRequest(f"Invalid {where}: unknown field {where}.{unknown[0]}.")
    item_id = entry.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise BadRequest(f"Invalid {where}: a saved-extension needs its id.")
    config = saved(item_id)
    if config is None:
        raise BadRequest(f"Invalid {where}: no saved extension has id {item_id!r}.")
    return config
