"""Render validated predicates as SQL over one asset table (files, folders or file versions).

A predicate renders to a SQLAlchemy boolean clause, or to a Python bool when its outcome is
known without looking at rows (a ``type`` condition, or a field the asset kind does not have:
such fields match no comparison). Both backends give the same answers: comparisons are typed,
case-insensitive matching lower-cases both sides, and the one construct SQL spells differently
per database, a case-sensitive prefix, is ``PrefixMatch``.
"""

from __future__ import annotations

import enum
import operator as op
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from imagekit_server.db.tables import file_search_values, file_tags, file_versions, files, folders
from imagekit_server.search import geo
from imagekit_server.search.fields import Predicate
from imagekit_server.search.integer_columns import compare_integer
from imagekit_server.search.prefix_match import PrefixMatch, escape_like

Clause = ColumnElement[bool] | bool
_NEGATED = {"NOT =": "=", "NOT IN": "IN", "NOT EXISTS": "EXISTS", "NOT HAS": "HAS"}
# Characters treated as word separators by HAS, in addition to spaces.
_SEPARATORS = "-_.,/()+&'\":;!?[]"
_WORD = re.compile(r"[^\W_]+")
_ORDERING: dict[str, Callable[[Any, Any], Any]] = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}


class Target(enum.Enum):
    """The asset kind a clause selects, named as the ``type`` field names it."""

    FILE = "file"
    FOLDER = "folder"
    VERSION = "file-version"


_COLUMNS: dict[Target, dict[str, str]] = {
    Target.FILE: {
        "name": "name", "id": "id", "createdAt": "created_at", "updatedAt": "updated_at",
        "height": "height", "width": "width", "size": "size", "format": "format",
        "private": "is_private", "published": "is_published", "transparency": "has_alpha",
        "videoDuration": "duration",
    },
    Target.FOLDER: {
        "name": "name", "id": "id", "createdAt": "created_at", "updatedAt": "updated_at",
    },
    Target.VERSION: {
        "name": "name", "id": "id", "createdAt": "created_at", "updatedAt": "updated_at",
        "height": "height", "width": "width", "size": "size", "format": "format",
        "transparency": "has_alpha", "videoDuration": "duration",
    },
}  # fmt: skip
TABLES = {Target.FILE: files, Target.FOLDER: folders, Target.VERSION: file_versions}


def render(predicate: Predicate, target: Target, account_id: str) -> Clause:
    """The clause selecting rows of ``target``'s table that satisfy ``predicate``."""
    if predicate.field == "type":
        selected = target.value in predicate.values
        return selected != predicate.operator.startswith("NOT")
    table = TABLES[target]
    column_name = _COLUMNS[target].get(predicate.field)
    if column_name is not None:
        column = table.c[column_name]
        if isinstance(column.type, sa.Integer):
            return compare_integer(column, predicate.operator, predicate.values)
        return compare(column, predicate.operator, predicate.values)
    if predicate.field == "path":
        return _render_path(predicate, target)
    if target is not Target.FILE or predicate.field in ("videoDuration", "createdBy"):
        return False  # the asset kind has no such field (this server keeps no uploader)
    positive = _NEGATED.get(predicate.operator)
    file_ids = _matching_file_ids(predicate, positive or predicate.operator, account_id)
    return files.c.id.not_in(file_ids) if positive else files.c.id.in_(file_ids)


def matching_file_ids(
    predicate: Predicate, target: Target, account_id: str
) -> sa.Select[Any] | None:
    """For a positive tag or metadata predicate on files, the query of the file ids it
    selects (so that an OR of several can become one IN over their UNION); else None."""
    if target is not Target.FILE or predicate.operator in _NEGATED:
        return None
    if predicate.field not in ("tags", "customMetadata", "embeddedMetadata"):
        return None
    return _matching_file_ids(predicate, predicate.operator, account_id)


def compare(column: ColumnElement[Any], operator: str, values: Sequence[Any]) -> Clause:
    """``column <operator> values`` for the value operators of the language."""
    value = values[0] if values else None
    if operator == "=":
        return column == value
    if operator == "NOT =":
        return column != value
    if operator == "IN":
        return column.in_(values) if values else False
    if operator == "NOT IN":
        return column.not_in(values) if values else column.is_not(None)
    if operator == ":":
        return starts_with(column, str(value))
    if operator == "HAS":
        return has_words(column, str(value))
    if operator == "NOT HAS":
        return sa.not_(_as_clause(has_words(column, str(value))))
    comparison: ColumnElement[bool] = _ORDERING[operator](column, value)
    return comparison


def starts_with(column: ColumnElement[Any], prefix: str) -> ColumnElement[bool]:
    """Case-sensitive prefix match on both backends."""
    return PrefixMatch(column, prefix)


def has_words(column: ColumnElement[Any], text: str) -> Clause:
    """Case-insensitive word match: every word of ``text`` is a word of the column, the last
    one as a word prefix (so "summer sa" finds "Summer-Sale.jpg")."""
    words = _WORD.findall(text.lower())
    if not words:
        return False
    lowered = sa.func.lower(column)
    # Cheap substring tests first: they reject most rows before the word-boundary tests, which
    # rewrite every separator (17 nested replace calls per row).
    conditions = [lowered.contains(word, autoescape=True) for word in words]
    spaced = lowered
    for separator in _SEPARATORS:
        spaced = sa.func.replace(spaced, separator, " ")
    padded = sa.literal(" ") + spaced + sa.literal(" ")
    conditions += [padded.contains(f" {word} ", autoescape=True) for word in words[:-1]]
    conditions.append(padded.contains(f" {words[-1]}", autoescape=True))
    return sa.and_(*conditions)


def _render_path(predicate: Predicate, target: Target) -> Clause:
    """``path`` is the folder holding the asset: ``=`` that folder, ``:`` it or a sub-folder."""
    folders_paths: tuple[str, ...] = predicate.values
    if target is Target.FILE:
        return _folder_clause(files.c.folder_path, predicate.operator, folders_paths)
    if target is Target.FOLDER:
        return _folder_clause(folders.c.parent_path, predicate.operator, folders_paths)
    return _version_folder_clause(predicate.operator, folders_paths)


def _folder_clause(column: ColumnElement[str], operator: str, paths: tuple[str, ...]) -> Clause:
    if operator == ":":
        (path,) = paths
        if path == "/":
            return True
        return sa.or_(column == path, starts_with(column, path + "/"))
    return compare(column, operator, paths)


def _version_folder_clause(operator: str, paths: tuple[str, ...]) -> Clause:
    file_path = file_versions.c.file_path

    def directly_in(path: str) -> ColumnElement[bool]:
        prefix = path.rstrip("/") + "/"
        deeper = file_path.like(escape_like(prefix) + "%/%", escape="\\")
        return sa.and_(starts_with(file_path, prefix), sa.not_(deeper))

    if operator == ":":
        (path,) = paths
        return True if path == "/" else starts_with(file_path, path + "/")
    matches = sa.or_(*(directly_in(path) for path in paths)) if paths else sa.false()
    return sa.not_(matches) if operator.startswith("NOT") else matches


def _matching_file_ids(predicate: Predicate, operator: str, account_id: str) -> sa.Select[Any]:
    """Ids of the files with a tag or metadata value satisfying the (positive) operator."""
    if predicate.field == "tags":
        query = sa.select(file_tags.c.file_id).where(file_tags.c.account_id == account_id)
        if operator == "EXISTS":
            return query
        return query.where(_as_clause(compare(file_tags.c.tag, operator, predicate.values)))
    if predicate.kind == "geo":
        return _located_file_ids(predicate.values[0], account_id)
    namespace = "custom" if predicate.field == "customMetadata" else "embedded"
    values = file_search_values.c
    query = sa.select(values.file_id).where(
        values.account_id == account_id, values.namespace == namespace, values.key == predicate.key
    )
    if operator == "EXISTS":
        return query
    return query.where(_as_clause(_value_clause(predicate, operator)))


def _value_clause(predicate: Predicate, operator: str) -> Clause:
    values = file_search_values.c
    typed_column = {
        "text": values.text_value,
        "number": values.number_value,
        "time": values.time_value,
        "bool": values.bool_value,
    }.get(predicate.kind)
    if typed_column is not None:
        return compare(typed_column, operator, _as_stored(predicate.kind, predicate.values))
    # "scalar": each value is compared in the column of its own type.
    by_column: dict[str, list[Any]] = {"text_value": [], "number_value": [], "bool_value": []}
    for value in predicate.values:
        column_name = _scalar_column(value)
        by_column[column_name].append(float(value) if column_name == "number_value" else value)
    if operator == ":":
        return starts_with(values.text_value, str(predicate.values[0]))
    clauses = [compare(values[name], operator, typed) for name, typed in by_column.items() if typed]
    return sa.or_(*(_as_clause(clause) for clause in clauses)) if clauses else False


def _as_stored(kind: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Numbers as floats, like ``number_value``: an int list would be bound as INTEGER on
    PostgreSQL and overflow beyond 32 bits."""
    return tuple(float(value) for value in values) if kind == "number" else values


def _scalar_column(value: Any) -> str:
    if isinstance(value, bool):
        return "bool_value"
    if isinstance(value, float | int):
        return "number_value"
    if isinstance(value, datetime):
        return "time_value"
    return "text_value"


def _located_file_ids(area: geo.Area, account_id: str) -> sa.Select[Any]:
    latitude = file_search_values.alias("latitude")
    longitude = file_search_values.alias("longitude")
    return (
        sa.select(latitude.c.file_id)
        .join(longitude, longitude.c.file_id == latitude.c.file_id)
        .where(
            latitude.c.account_id == account_id,
            latitude.c.namespace == "embedded",
            latitude.c.key == "GPSLatitude",
            longitude.c.namespace == "embedded",
            longitude.c.key == "GPSLongitude",
            geo.contains(area, latitude.c.number_value, longitude.c.number_value),
        )
    )


def _as_clause(clause: Clause) -> ColumnElement[bool]:
    if isinstance(clause, bool):
        return sa.true() if clause else sa.false()
    return clause
