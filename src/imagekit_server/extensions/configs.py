"""ImageKit extension configurations (``remove-bg``, auto-tagging, ``ai-auto-description``,
``ai-tasks``) checked for shape: the name is known, required fields are present, every field
has its documented type and no unknown field slips in. Used for saved extensions
(docs/reference/api.md §5)
and for the ``extensions`` of uploads and updates (docs/extensions.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class ExtensionConfigError(ValueError):
    """An invalid extension configuration; the message names the field and is safe to show."""


EXTENSION_NAMES = frozenset(
    {"remove-bg", "google-auto-tagging", "aws-auto-tagging", "ai-auto-description", "ai-tasks"}
)


def validate_extension_config(config: object, where: str = "config") -> dict[str, Any]:
    """``config`` itself when it is a valid extension configuration; error messages name its
    fields below ``where`` (``config.maxTags``, ``extensions[1].maxTags``)."""
    mapping = _object(config, where)
    name = mapping.get("name")
    check = _CHECKS.get(name) if isinstance(name, str) else None
    if check is None:
        raise ExtensionConfigError(
            f"{where}.name must be one of {', '.join(sorted(_CHECKS))}; got {name!r}."
        )
    check(mapping, where)
    return dict(mapping)


def _remove_bg(config: Mapping[str, Any], where: str) -> None:
    _only(config, where, {"name", "options"})
    if "options" not in config:
        return
    options = _object(config["options"], f"{where}.options")
    _only(
        options, f"{where}.options", {"add_shadow", "bg_color", "bg_image_url", "semitransparency"}
    )
    for flag in ("add_shadow", "semitransparency"):
        _optional(options, flag, bool, f"{where}.options")
    for text in ("bg_color", "bg_image_url"):
        _optional(options, text, str, f"{where}.options")
    if options.get("bg_color") and options.get("bg_image_url"):
        raise ExtensionConfigError(f"Set {where}.options.bg_color or bg_image_url, not both.")


def _auto_tagging(config: Mapping[str, Any], where: str) -> None:
    _only(config, where, {"name", "maxTags", "minConfidence"})
    max_tags = _required(config, "maxTags", int, where)
    confidence = _required(config, "minConfidence", int, where)
    if max_tags < 1:
        raise ExtensionConfigError(f"{where}.maxTags must be at least 1.")
    if not 0 <= confidence <= 100:
        raise ExtensionConfigError(f"{where}.minConfidence must be between 0 and 100.")


def _auto_description(config: Mapping[str, Any], where: str) -> None:
    _only(config, where, {"name"})


def _ai_tasks(config: Mapping[str, Any], where: str) -> None:
    _only(config, where, {"name", "tasks"})
    tasks = _required(config, "tasks", list, where)
    if not tasks:
        raise ExtensionConfigError(f"{where}.tasks must have at least one task.")
    for index, task in enumerate(tasks):
        _task(_object(task, f"{where}.tasks[{index}]"), f"{where}.tasks[{index}]")


_SELECTION_FIELDS = {"type", "instruction", "max_selections", "min_selections", "vocabulary"}
_OUTCOMES = ("on_yes", "on_no", "on_unknown")


def _task(task: Mapping[str, Any], where: str) -> None:
    kind = task.get("type")
    _required(task, "instruction", str, where)
    if kind == "select_tags":
        _only(task, where, _SELECTION_FIELDS)
        _selections(task, where, item_types=(str,))
    elif kind == "select_metadata":
        _only(task, where, _SELECTION_FIELDS | {"field"})
        _required(task, "field", str, where)
        _selections(task, where, item_types=(str, int, float, bool))
    elif kind == "yes_no":
        _only(task, where, {"type", "instruction", *_OUTCOMES})
        for outcome in _OUTCOMES:
            if outcome in task:
                _actions(_object(task[outcome], f"{where}.{outcome}"), f"{where}.{outcome}")
    else:
        raise ExtensionConfigError(
            f"{where}.type must be select_tags, select_metadata or yes_no; got {kind!r}."
        )


def _selections(task: Mapping[str, Any], where: str, *, item_types: tuple[type, ...]) -> None:
    for bound in ("max_selections", "min_selections"):
        _optional(task, bound, int, where)
    vocabulary = _optional(task, "vocabulary", list, where)
    if vocabulary is not None and not all(isinstance(item, item_types) for item in vocabulary):
        raise ExtensionConfigError(f"{where}.vocabulary has a value of the wrong type.")


def _actions(actions: Mapping[str, Any], where: str) -> None:
    _only(actions, where, {"add_tags", "remove_tags", "set_metadata", "unset_metadata"})
    for tags in ("add_tags", "remove_tags"):
        values = _optional(actions, tags, list, where)
        if values is not None and not all(isinstance(tag, str) for tag in values):
            raise ExtensionConfigError(f"{where}.{tags} must be a list of strings.")
    for key, fields in (("set_metadata", {"field", "value"}), ("unset_metadata", {"field"})):
        for index, item in enumerate(_optional(actions, key, list, where) or []):
            entry = _object(item, f"{where}.{key}[{index}]")
            _only(entry, f"{where}.{key}[{index}]", fields)
            _required(entry, "field", str, f"{where}.{key}[{index}]")
            if "value" in fields and "value" not in entry:
                raise ExtensionConfigError(f"Missing {where}.{key}[{index}].value.")


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ExtensionConfigError(f"{where} must be a JSON object.")
    return value


def _only(mapping: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise ExtensionConfigError(f"Unknown field {where}.{unknown[0]}.")


def _required(mapping: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in mapping:
        raise ExtensionConfigError(f"Missing {where}.{key}.")
    return _optional(mapping, key, kind, where)


def _optional(mapping: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = mapping.get(key)
    if value is None:
        return None
    # JSON true/false are not numbers here, though Python's bool is an int.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ExtensionConfigError(f"{where}.{key} must be {_TYPE_NAMES[kind]}.")
    return value


_TYPE_NAMES = {bool: "a boolean", str: "a string", int: "an integer", list: "an array"}

_CHECKS: dict[str, Callable[[Mapping[str, Any], str], None]] = {
    "remove-bg": _remove_bg,
    "google-auto-tagging": _auto_tagging,
    "aws-auto-tagging": _auto_tagging,
    "ai-auto-description": _auto_description,
    "ai-tasks": _ai_tasks,
}
