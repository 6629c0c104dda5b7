"""The fields a query may name: their operators and how their values are read.

``resolve`` turns one parsed condition into a ``Predicate`` whose values are already typed
(numbers, UTC instants, sizes in bytes, normalised folder paths...), or raises a
SearchQueryError naming the field, operator or value at fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from imagekit_server.search import literals
from imagekit_server.search.errors import SearchQueryError
from imagekit_server.search.geo import read_area
from imagekit_server.search.indexing import EMBEDDED_DATE_KEYS
from imagekit_server.search.syntax_tree import Condition, Operator, Value

CUSTOM_PREFIX = "customMetadata."
EMBEDDED_PREFIX = "embeddedMetadata."
ASSET_TYPES = ("file", "file-version", "folder")

_EQUALITY = frozenset({"=", "IN", "NOT =", "NOT IN"})
_ORDERING = _EQUALITY | {"<", "<=", ">", ">="}
_TEXT = _EQUALITY | {":", "HAS"}
_BOOLEAN = frozenset({"=", "NOT ="})
_PRESENCE = frozenset({"EXISTS", "NOT EXISTS"})
_SET = frozenset({"IN", "NOT IN", "HAS"}) | _PRESENCE
_COMPARISONS = frozenset({"<", "<=", ">", ">="})

# Reads one value for a field; ``now`` anchors relative times.
Reader = Callable[[Value, str, datetime], Any]


@dataclass(frozen=True)
class Predicate:
    """A validated condition. ``kind`` says how its values are typed: "text", "number",
    "time", "bool", "scalar" (strings/numbers/booleans as written), "path", "type", "geo"."""

    field: str  # a built-in field name, or "customMetadata" / "embeddedMetadata"
    key: str | None  # the metadata key for custom/embedded fields
    operator: Operator
    values: tuple[Any, ...]
    kind: str


@dataclass(frozen=True)
class _Rule:
    operators: frozenset[str]
    kind: str
    reader: Reader


def _text(value: Value, field: str, now: datetime) -> str:
    return literals.read_string(value, field)


def _lower_text(value: Value, field: str, now: datetime) -> str:
    return literals.read_string(value, field).lower()


def _number(value: Value, field: str, now: datetime) -> float:
    return literals.read_number(value, field)


def _size(value: Value, field: str, now: datetime) -> float:
    return literals.read_size(value, field)


def _duration(value: Value, field: str, now: datetime) -> float:
    return literals.read_duration(value, field)


def _boolean(value: Value, field: str, now: datetime) -> bool:
    return literals.read_boolean(value, field)


def _instant(value: Value, field: str, now: datetime) -> datetime:
    return literals.read_instant(value, field, now)


def _scalar(value: Value, field: str, now: datetime) -> literals.Scalar:
    return literals.read_scalar(value)


def _asset_type(value: Value, field: str, now: datetime) -> str:
    if value.text in ASSET_TYPES:
        return value.text
    raise SearchQueryError(
        f"Invalid value {value.display} at position {value.position} for type: "
        'expected "file", "file-version" or "folder"',
        value.position,
    )


def _folder_path(value: Value, field: str, now: datetime) -> str:
    """ "/a/b/", "a/b" and "/a//b" all mean the folder "/a/b"; "" and "/" the root."""
    parts = [part for part in literals.read_string(value, field).split("/") if part]
    return "/" + "/".join(parts)


def _area(value: Value, field: str, now: datetime) -> object:
    return read_area(value, field)


BUILT_IN_FIELDS: dict[str, _Rule] = {
    "name": _Rule(_TEXT, "text", _text),
    "tags": _Rule(_SET, "text", _text),
    "type": _Rule(_EQUALITY, "type", _asset_type),
    "id": _Rule(_EQUALITY, "text", _text),
    "createdAt": _Rule(_ORDERING, "time", _instant),
    "updatedAt": _Rule(_ORDERING, "time", _instant),
    "height": _Rule(_ORDERING, "number", _number),
    "width": _Rule(_ORDERING, "number", _number),
    "size": _Rule(_ORDERING, "number", _size),
    "videoDuration": _Rule(_ORDERING, "number", _duration),
    "format": _Rule(_EQUALITY, "text", _lower_text),
    "private": _Rule(_BOOLEAN, "bool", _boolean),
    "published": _Rule(_BOOLEAN, "bool", _boolean),
    "transparency": _Rule(_BOOLEAN, "bool", _boolean),
    "createdBy": _Rule(_EQUALITY, "text", _text),
    "path": _Rule(_EQUALITY | {":"}, "path", _folder_path),
}


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


# Case-insensitive names, and the snake_case spellings users write (``created_at``,
# ``updated_at``, ``video_duration``) as aliases of the documented camelCase fields.
_BUILT_IN_BY_LOWER_NAME = {
    **{_snake_case(name): name for name in BUILT_IN_FIELDS},
    **{name.lower(): name for name in BUILT_IN_FIELDS},
}

CUSTOM_FIELD_RULES: dict[str, _Rule] = {
    "Text": _Rule(_TEXT | _PRESENCE, "text", _text),
    "Textarea": _Rule(_TEXT | _PRESENCE, "text", _text),
    "Number": _Rule(_ORDERING | _PRESENCE, "number", _number),
    "Date": _Rule(_ORDERING | _PRESENCE, "time", _instant),
    "Boolean": _Rule(_BOOLEAN | _PRESENCE, "bool", _boolean),
    "SingleSelect": _Rule(_ORDERING | {":"} | _PRESENCE, "scalar", _scalar),
    "MultiSelect": _Rule(frozenset({"IN", "NOT IN"}) | _PRESENCE, "scalar", _scalar),
}

_KEYWORDS_RULE = _Rule(_SET, "text", _text)
_EMBEDDED_DATE_RULE = _Rule(_ORDERING | _PRESENCE, "time", _instant)
_LOCATION_RULE = _Rule(frozenset({"="}), "geo", _area)
_EMBEDDED_OTHER_RULE = _Rule(_ORDERING | {":"} | _PRESENCE, "scalar", _scalar)


def resolve(condition: Condition, field_types: Mapping[str, str], now: datetime) -> Predicate:
    """Validate a condition against the field catalogue and type its values."""
    field, key, rule = _rule_for(condition, field_types)
    label = condition.field
    if condition.operator not in rule.operators:
        allowed = ", ".join(sorted(rule.operators))
        raise SearchQueryError(
            f"Operator '{condition.operator}' at position {condition.operator_position} is not "
            f'supported for field "{label}" (supported: {allowed})',
            condition.operator_position,
        )
    values = tuple(rule.reader(value, label, now) for value in condition.values)
    if rule.kind == "scalar" and condition.operator in _COMPARISONS:
        _require_numbers(condition, values)
    return Predicate(field, key, condition.operator, values, rule.kind)


def _rule_for(
    condition: Condition, field_types: Mapping[str, str]
) -> tuple[str, str | None, _Rule]:
    name = condition.field
    if name.startswith(CUSTOM_PREFIX):
        key = name[len(CUSTOM_PREFIX) :]
        field_type = field_types.get(key)
        if field_type is None:
            raise SearchQueryError(
                f'Unknown custom metadata field "{key}" at position {condition.field_position}: '
                "it is not defined on this account",
                condition.field_position,
            )
        return "customMetadata", key, CUSTOM_FIELD_RULES.get(field_type, CUSTOM_FIELD_RULES["Text"])
    if name.startswith(EMBEDDED_PREFIX) and len(name) > len(EMBEDDED_PREFIX):
        key = name[len(EMBEDDED_PREFIX) :]
        return "embeddedMetadata", key, _embedded_rule(key)
    built_in = _BUILT_IN_BY_LOWER_NAME.get(name.lower())
    if built_in is None:
        raise SearchQueryError(
            f'Unknown field "{name}" at position {condition.field_position}',
            condition.field_position,
        )
    return built_in, None, BUILT_IN_FIELDS[built_in]


def _embedded_rule(key: str) -> _Rule:
    if key == "Keywords":
        return _KEYWORDS_RULE
    if key == "LocationTaken":
        return _LOCATION_RULE
    if key in EMBEDDED_DATE_KEYS:
        return _EMBEDDED_DATE_RULE
    return _EMBEDDED_OTHER_RULE


def _require_numbers(condition: Condition, values: tuple[Any, ...]) -> None:
    for value, typed in zip(condition.values, values, strict=True):
        if isinstance(typed, bool) or not isinstance(typed, int | float):
            raise SearchQueryError(
                f"Invalid value {value.display} at position {value.position} for "
                f'"{condition.field}": ordering comparisons need a number',
                value.position,
            )
