"""The upload ``checks`` language: an expression over the upload request and the file,
evaluated before the file is stored (docs/reference/search_query.md §8).

    checks = parse_checks('"file.mime" : video OR "file.size" < "5mb"')  # SearchQueryError
    if not checks.evaluate(facts):                                       # if invalid
        ...  # 400: the upload failed the checks

Fields the upload does not have (no ``customCoordinates``, no ``mediaMetadata.width`` for a
PDF) satisfy no positive condition, and so satisfy the negative ones (``NOT =``, ``NOT IN``,
``NOT HAS``).
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from imagekit_server.search import literals
from imagekit_server.search.errors import SearchQueryError
from imagekit_server.search.parser import parse_expression
from imagekit_server.search.syntax_tree import Condition, Connective, Node, Value
from imagekit_server.search.timestamps import parse_timestamp

CUSTOM_PREFIX = "request.customMetadata."
_TEXT = frozenset({"=", "NOT =", ":", "IN", "NOT IN"})
_EQUALITY = frozenset({"=", "NOT ="})
_ORDERING = frozenset({"=", ">", ">=", "<", "<="})
_MEMBERSHIP = frozenset({"HAS", "NOT HAS"})
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": op.eq, ">": op.gt, ">=": op.ge, "<": op.lt, "<=": op.le,
}  # fmt: skip


@dataclass(frozen=True)
class UploadFacts:
    """What a check may look at.

    ``request`` holds the upload's form fields, parsed, under their API names (``fileName``,
    ``folder``, ``tags`` as a list, ``customMetadata`` as a dict, booleans as bools...);
    ``media`` the probed ``width``, ``height``, ``duration``, ``bitRate``, ``videoCodec``,
    ``audioCodec`` (absent when unknown); ``field_types`` the account's custom metadata field
    types by name.
    """

    request: Mapping[str, Any]
    file_size: int
    file_mime: str
    media: Mapping[str, Any] = field(default_factory=dict)
    field_types: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Field:
    operators: frozenset[str]
    kind: str  # "text" | "folder" | "bool" | "size" | "number" | "list"
    source: str  # "request" | "file" | "media"
    key: str


_FIELDS = {
    **{f"request.{key}": _Field(_TEXT, "text", "request", key)
       for key in ("fileName", "customCoordinates", "webhookUrl")},
    "request.folder": _Field(_TEXT, "folder", "request", "folder"),
    **{f"request.{key}": _Field(_EQUALITY, "bool", "request", key)
       for key in ("useUniqueFileName", "isPrivateFile", "isPublished", "overwriteFile",
                   "overwriteAITags", "overwriteTags", "overwriteCustomMetadata")},
    "request.tags": _Field(_MEMBERSHIP, "list", "request", "tags"),
    "file.size": _Field(_ORDERING, "size", "file", "size"),
    "file.mime": _Field(_TEXT, "text", "file", "mime"),
    **{f"mediaMetadata.{key}": _Field(_ORDERING, "number", "media", key)
       for key in ("width", "height", "duration", "bitRate")},
    **{f"mediaMetadata.{key}": _Field(_TEXT, "text", "media", key)
       for key in ("videoCodec", "audioCodec")},
}  # fmt: skip

_CUSTOM_FIELDS = {
    "Text": _Field(_TEXT, "text", "custom", ""),
    "Textarea": _Field(_TEXT, "text", "custom", ""),
    "Number": _Field(_ORDERING | {"NOT ="}, "number", "custom", ""),
    "Date": _Field(_TEXT | _ORDERING, "date", "custom", ""),
    "SingleSelect": _Field(_TEXT | _ORDERING, "scalar", "custom", ""),
    "Boolean": _Field(_EQUALITY, "bool", "custom", ""),
    "MultiSelect": _Field(_MEMBERSHIP, "list", "custom", ""),
}


@dataclass(frozen=True)
class Checks:
    """A parsed ``checks`` expression."""

    tree: Node

    def evaluate(self, facts: UploadFacts) -> bool:
        """Whether the upload passes; SearchQueryError if the expression names an unknown
        custom field or uses one with the wrong operator or value type."""
        return _evaluate(self.tree, facts)


def parse_checks(text: str) -> Checks:
    """Parse and validate a ``checks`` expression (custom fields are checked on evaluate)."""
    tree = parse_expression(text)
    _validate(tree)
    return Checks(tree)


def _validate(node: Node) -> None:
    if isinstance(node, Connective):
        for operand in node.operands:
            _validate(operand)
    elif not node.field.startswith(CUSTOM_PREFIX):
        spec = _FIELDS.get(node.field)
        if spec is None:
            raise SearchQueryError(
                f'Unknown field "{node.field}" at position {node.field_position}',
                node.field_position,
            )
        _check_operator(node, spec)
        for value in node.values:
            _read(spec.kind, value, node.field)


def _check_operator(condition: Condition, spec: _Field) -> None:
    if condition.operator not in spec.operators:
        raise SearchQueryError(
            f"Operator '{condition.operator}' at position {condition.operator_position} is not "
            f'supported for field "{condition.field}"',
            condition.operator_position,
        )


def _evaluate(node: Node, facts: UploadFacts) -> bool:
    if isinstance(node, Connective):
        results = (_evaluate(operand, facts) for operand in node.operands)
        return all(results) if node.kind == "AND" else any(results)
    spec, fact = _fact(node, facts)
    _check_operator(node, spec)
    values = [_read(spec.kind, value, node.field) for value in node.values]
    positive = node.operator.removeprefix("NOT ")
    holds = fact is not None and _holds(spec.kind, positive, fact, values)
    return holds != node.operator.startswith("NOT ")


def _fact(condition: Condition, facts: UploadFacts) -> tuple[_Field, Any]:
    if condition.field.startswith(CUSTOM_PREFIX):
        name = condition.field[len(CUSTOM_PREFIX) :]
        field_type = facts.field_types.get(name)
        if field_type not in _CUSTOM_FIELDS:
            raise SearchQueryError(
                f'Unknown custom metadata field "{name}" at position '
                f"{condition.field_position}: it is not defined on this account",
                condition.field_position,
            )
        custom = facts.request.get("customMetadata") or {}
        return _CUSTOM_FIELDS[field_type], custom.get(name)
    spec = _FIELDS[condition.field]
    if spec.source == "file":
        return spec, facts.file_size if spec.key == "size" else facts.file_mime
    source = facts.request if spec.source == "request" else facts.media
    return spec, source.get(spec.key)


def _read(kind: str, value: Value, field_name: str) -> Any:
    """A check value in the form its field compares: bare words are text here."""
    if kind == "bool":
        return literals.read_boolean(value, field_name)
    if kind == "size":
        return literals.read_size(value, field_name)
    if kind == "number":
        return literals.read_number(value, field_name)
    if kind == "scalar" or (kind == "list" and not value.quoted):
        return literals.read_scalar(value)
    return value.text


def _holds(kind: str, operator: str, fact: Any, values: list[Any]) -> bool:
    if kind == "list":
        items = fact if isinstance(fact, list) else [fact]
        return any(_same(item, values[0]) for item in items)
    if kind == "folder":
        return _folder_holds(operator, str(fact), values)
    if kind == "date":
        return _date_holds(operator, fact, values)
    if operator == "IN":
        return any(_same(fact, value) for value in values)
    if operator == ":":
        return isinstance(fact, str) and fact.startswith(str(values[0]))
    if operator == "=":
        return _same(fact, values[0])
    return _ordered(fact, values[0]) and _COMPARE[operator](float(fact), float(values[0]))


def _same(fact: Any, value: Any) -> bool:
    """Typed equality: True is not 1 and "42" is not 42; numbers compare by value."""
    if isinstance(fact, bool) or isinstance(value, bool):
        return isinstance(fact, bool) and isinstance(value, bool) and fact == value
    if _ordered(fact, value):
        return float(fact) == float(value)
    return isinstance(fact, str) and isinstance(value, str) and fact == value


def _ordered(fact: Any, value: Any) -> bool:
    numbers = (int, float)
    return all(isinstance(x, numbers) and not isinstance(x, bool) for x in (fact, value))


def _folder_holds(operator: str, fact: str, values: list[Any]) -> bool:
    """Folders compare as "/a/b/" whether written "a/b", "/a/b" or "a/b/"."""
    folder = _as_folder(fact)
    if operator == ":":
        return folder.startswith("/" + str(values[0]).lstrip("/"))
    return any(folder == _as_folder(str(value)) for value in values)


def _as_folder(path: str) -> str:
    inner = "/".join(part for part in path.split("/") if part)
    return f"/{inner}/" if inner else "/"


def _date_holds(operator: str, fact: Any, values: list[Any]) -> bool:
    if operator == ":":
        return str(fact).startswith(str(values[0]))
    fact_time = parse_timestamp(str(fact))
    times = [parse_timestamp(str(value)) for value in values]
    if fact_time is None or None in times:
        return operator in ("=", "IN") and any(str(fact) == str(value) for value in values)
    if operator == "IN":
        return fact_time in times
    return _COMPARE[operator](fact_time, times[0])
