"""Validate custom metadata values against field schemas (docs/reference/api.md §4.1.7)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import custom_metadata_fields
from imagekit_server.errors import BadRequest

Schemas = Mapping[str, Mapping[str, Any]]


def load_schemas(conn: sa.Connection, account_id: str) -> dict[str, dict[str, Any]]:
    """Schemas of the account's non-deleted fields, by field name."""
    table = custom_metadata_fields
    rows = conn.execute(
        sa.select(table.c.name, table.c.schema).where(
            table.c.account_id == account_id, table.c.deleted.is_(False)
        )
    ).all()
    return {row.name: dict(row.schema or {}) for row in rows}


def field_types(schemas: Schemas) -> dict[str, str]:
    return {name: str(schema.get("type", "")) for name, schema in schemas.items()}


def validate_values(values: Mapping[str, Any], schemas: Schemas) -> None:
    """Raise 400 with an ``errors`` object naming each offending key; ``None`` values (unset a
    key) are accepted."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        schema = schemas.get(name)
        if schema is None:
            errors[name] = "not a custom metadata field of this account"
            continue
        if value is None:
            continue
        problem = _problem(value, schema)
        if problem:
            errors[name] = problem
    if errors:
        raise BadRequest("Invalid custom metadata.", errors=errors)


def with_defaults(values: Mapping[str, Any], schemas: Schemas) -> dict[str, Any]:
    """Required fields without a value get their ``defaultValue``."""
    result = {name: value for name, value in values.items() if value is not None}
    for name, schema in schemas.items():
        if schema.get("isValueRequired") and name not in result and "defaultValue" in schema:
            result[name] = schema["defaultValue"]
    return result


def _problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if kind in ("Text", "Textarea", "TextArea"):
        return _text_problem(value, schema)
    if kind == "Number":
        return _number_problem(value, schema)
    if kind == "Date":
        return _date_problem(value, schema)
    if kind == "Boolean":
        return None if isinstance(value, bool) else "must be a boolean"
    options = schema.get("selectOptions") or []
    if kind == "SingleSelect":
        return None if _in_options(value, options) else "must be one of selectOptions"
    if kind == "MultiSelect":
        if not isinstance(value, list):
            return "must be a list of selectOptions"
        ok = all(_in_options(item, options) for item in value)
        return None if ok else "every item must be one of selectOptions"
    return f"field has an unknown type {kind!r}"


def field_value_problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    """Why ``value`` does not fit ``schema``, or None (also checks a schema's defaultValue)."""
    return _problem(value, schema)


def parse_date(value: Any) -> datetime | None:
    """An ISO-8601 string as an aware datetime (UTC when no offset), or None."""
    return _parse_date(value)


def _in_options(value: Any, options: list[Any]) -> bool:
    # bool is an int in Python; compare types too so True does not match 1.
    return any(type(value) is type(option) and value == option for option in options)


def _text_problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if "minLength" in schema and len(value) < schema["minLength"]:
        return f"must be at least {schema['minLength']} characters long"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return f"must be at most {schema['maxLength']} characters long"
    return None


def _number_problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if "minValue" in schema and value < schema["minValue"]:
        return f"must be at least {schema['minValue']}"
    if "maxValue" in schema and value > schema["maxValue"]:
        return f"must be at most {schema['maxValue']}"
    return None


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _date_problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    moment = _parse_date(value)
    if moment is None:
        return "must be an ISO-8601 date"
    low = _parse_date(schema.get("minValue"))
    high = _parse_date(schema.get("maxValue"))
    if low is not None and moment < low:
        return f"must not be before {schema['minValue']}"
    if high is not None and moment > high:
        return f"must not be after {schema['maxValue']}"
    return None
