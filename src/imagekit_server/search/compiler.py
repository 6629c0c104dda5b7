"""Compile a ``searchQuery`` into WHERE clauses over files, folders and file versions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from imagekit_server.db.tables import file_versions, files, folders
from imagekit_server.search.fields import Predicate, resolve
from imagekit_server.search.parser import parse_expression
from imagekit_server.search.rendering import Clause, Target, matching_file_ids, render
from imagekit_server.search.syntax_tree import Condition, Node


@dataclass(frozen=True)
class SearchPlan:
    """What a query selects: one WHERE clause per asset kind, None when it selects none of
    that kind. Every clause is already restricted to the account. Without a ``type``
    condition a query selects files only."""

    file_clause: ColumnElement[bool] | None
    folder_clause: ColumnElement[bool] | None
    version_clause: ColumnElement[bool] | None  # non-current versions only


@dataclass(frozen=True)
class _PredicateNode:
    predicate: Predicate


@dataclass(frozen=True)
class _ResolvedConnective:
    kind: str
    operands: tuple[_Resolved, ...]


_Resolved = _PredicateNode | _ResolvedConnective


def compile_search(
    query: str, *, account_id: str, field_types: Mapping[str, str], now: datetime
) -> SearchPlan:
    """Parse, validate and compile ``query``; raises SearchQueryError when it is invalid.

    ``field_types`` maps the account's custom metadata field names to their types; ``now``
    anchors relative times such as ``"7d"``.
    """
    tree = _resolve(parse_expression(query), field_types, now)
    names_type = _mentions_type(tree)
    return SearchPlan(
        file_clause=_finish(_render(tree, Target.FILE, account_id), files.c.account_id, account_id),
        folder_clause=_finish(
            _render(tree, Target.FOLDER, account_id) if names_type else False,
            folders.c.account_id,
            account_id,
        ),
        version_clause=_finish(
            _render(tree, Target.VERSION, account_id) if names_type else False,
            file_versions.c.account_id,
            account_id,
            _not_current_version(),
        ),
    )


def _resolve(node: Node, field_types: Mapping[str, str], now: datetime) -> _Resolved:
    if isinstance(node, Condition):
        return _PredicateNode(resolve(node, field_types, now))
    return _ResolvedConnective(
        node.kind, tuple(_resolve(operand, field_types, now) for operand in node.operands)
    )


def _mentions_type(node: _Resolved) -> bool:
    if isinstance(node, _PredicateNode):
        return node.predicate.field == "type"
    return any(_mentions_type(operand) for operand in node.operands)


def _render(node: _Resolved, target: Target, account_id: str) -> Clause:
    """Render the tree for one asset kind, folding constant operands away."""
    if isinstance(node, _PredicateNode):
        return render(node.predicate, target, account_id)
    absorbing = node.kind == "OR"  # True absorbs an OR, False absorbs an AND
    clauses: list[ColumnElement[bool]] = []
    operands = list(node.operands)
    if absorbing:
        merged, operands = _merge_memberships(operands, target, account_id)
        clauses.extend(merged)
    for operand in operands:
        clause = _render(operand, target, account_id)
        if isinstance(clause, bool):
            if clause == absorbing:
                return absorbing
            continue
        clauses.append(clause)
    if not clauses:
        return not absorbing
    if len(clauses) == 1:
        return clauses[0]
    return sa.or_(*clauses) if absorbing else sa.and_(*clauses)


def _merge_memberships(
    operands: list[_Resolved], target: Target, account_id: str
) -> tuple[list[ColumnElement[bool]], list[_Resolved]]:
    """OR-ed tag/metadata conditions become one ``id IN (... UNION ...)``, which databases
    answer with one semi-join instead of testing every file against each subquery."""
    queries, rest = [], []
    for operand in operands:
        query = None
        if isinstance(operand, _PredicateNode):
            query = matching_file_ids(operand.predicate, target, account_id)
        if query is None:
            rest.append(operand)
        else:
            queries.append(query)
    if len(queries) < 2:
        return [], operands
    return [files.c.id.in_(sa.union(*queries))], rest


def _finish(
    clause: Clause,
    account_column: ColumnElement[str],
    account_id: str,
    *extra: ColumnElement[bool],
) -> ColumnElement[bool] | None:
    if clause is False:
        return None
    conditions = [account_column == account_id, *extra]
    if clause is not True:
        conditions.append(clause)
    return sa.and_(*conditions)


def _not_current_version() -> ColumnElement[bool]:
    current = sa.select(files.c.id).where(files.c.current_version_id == file_versions.c.id)
    return ~current.exists()
