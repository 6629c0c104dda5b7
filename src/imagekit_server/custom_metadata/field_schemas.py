"""Validate custom metadata field schemas (docs/reference/api.md §2.5, §4.21): which keys each type
allows,
the types of their values, and that ``defaultValue`` satisfies the schema it belongs to.

Errors are collected per schema key so a 400 names every offending key at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imagekit_server.custom_metadata.values import field_value_problem, parse_date
from imagekit_server.errors import BadRequest

FIELD_TYPES = ("Text", "Textarea", "Number", "Date", "Boolean", "SingleSelect", "MultiSelect")
_TYPE_SPELLINGS = {"TextArea": "Textarea"}
_COMMON_KEYS = frozenset({"type", "defaultValue", "isValueRequired"})
_KEYS_BY_TYPE = {
    "Text": _COMMON_KEYS | {"minLength", "maxLength"},
    "Textarea": _COMMON_KEYS | {"minLength", "maxLength"},
    "Number": _COMMON_KEYS | {"minValue", "maxValue"},
    "Date": _COMMON_KEYS | {"minValue", "maxValue"},
    "Boolean": _COMMON_KEYS,
    "SingleSelect": _COMMON_KEYS | {"selectOptions"},
    "MultiSelect": _COMMON_KEYS | {"selectOptions"},
}
MAX_SELECT_OPTIONS = 100


def canonical_type(raw: Any) -> str | None:
    """The stored spelling of a field type (``TextArea`` is accepted for ``Textarea``)."""
    if not isinstance(raw, str):
        return None
    kind = _TYPE_SPELLINGS.get(raw, raw)
    return kind if kind in FIELD_TYPES else None


def validated_schema(raw: Any, *, field_type: str | None = None) -> dict[str, Any]:
    """A schema checked and normalised for storage. ``field_type`` is the existing type on
    update (a ``type`` in ``raw`` is then ignored: types are immutable)."""
    if not isinstance(raw, dict):
        raise BadRequest("schema must be an object.", errors={"schema": "must be an object"})
    kind = field_type or canonical_type(raw.get("type"))
    if kind is None:
        raise BadRequest(
            "Invalid schema: type must be one of " + ", ".join(FIELD_TYPES) + ".",
            errors={"type": "must be one of " + ", ".join(FIELD_TYPES)},
        )
    schema = {key: value for key, value in raw.items() if key != "type" and value is not None}
    errors = _key_errors(schema, kind)
    if not errors:
        errors = _rule_errors(schema, kind)
    if errors:
        names = ", ".join(sorted(errors))
        raise BadRequest(f"Invalid schema for a {kind} field: {names}.", errors=errors)
    return {"type": kind, **schema}


def _key_errors(schema: Mapping[str, Any], kind: str) -> dict[str, str]:
    errors = {
        key: f"not allowed for a {kind} field" for key in schema if key not in _KEYS_BY_TYPE[kind]
    }
    for key in ("minLength", "maxLength"):
        if key in schema and not _is_number(schema[key]):
            errors[key] = "must be a number"
        elif key in schema and schema[key] < 0:
            errors[key] = "must not be negative"
    for key in ("minValue", "maxValue"):
        if key in schema and kind == "Number" and not _is_number(schema[key]):
            errors[key] = "must be a number"
        if key in schema and kind == "Date" and parse_date(schema[key]) is None:
            errors[key] = "must be an ISO-8601 date string"
    if "isValueRequired" in schema and not isinstance(schema["isValueRequired"], bool):
        errors["isValueRequired"] = "must be a boolean"
    if "selectOptions" in schema:
        problem = _options_problem(schema["selectOptions"])
        if problem:
            errors["selectOptions"] = problem
    elif kind in ("SingleSelect", "MultiSelect"):
        errors["selectOptions"] = f"is required for a {kind} field"
    return errors


def _rule_errors(schema: Mapping[str, Any], kind: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for low, high in (("minValue", "maxValue"), ("minLength", "maxLength")):
        if (
            low in schema
            and high in schema
            and _ordered(schema[low], kind) > _ordered(schema[high], kind)
        ):
            errors[high] = f"must not be less than {low}"
    if schema.get("isValueRequired") and "defaultValue" not in schema:
        errors["defaultValue"] = "is required when isValueRequired is true"
    if "defaultValue" in schema and not errors:
        problem = field_value_problem(schema["defaultValue"], {"type": kind, **schema})
        if problem:
            errors["defaultValue"] = problem
    return errors


def _ordered(value: Any, kind: str) -> Any:
    return parse_date(value) if kind == "Date" else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _options_problem(options: Any) -> str | None:
    if not isinstance(options, list) or not options:
        return "must be a non-empty array"
    if len(options) > MAX_SELECT_OPTIONS:
        return f"can have at most {MAX_SELECT_OPTIONS} options"
    if not all(isinstance(option, str | int | float | bool) for option in options):
        return "options must be strings, numbers or booleans"
    return None
