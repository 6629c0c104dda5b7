"""A case-sensitive "starts with" that both backends answer exactly and from an index.

SQLite's LIKE ignores ASCII case and cannot use an ordinary index, so there the prefix is a
range ``prefix <= column < successor(prefix)`` (exact under SQLite's byte-wise collation), with
a ``substr`` comparison to be certain. PostgreSQL's LIKE is case-sensitive, and a range would be
wrong under a linguistic collation (which ignores punctuation), so there it is ``LIKE 'p%'``,
which a ``varchar_pattern_ops`` index serves whatever the collation.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


class PrefixMatch(ColumnElement[bool]):
    """``column`` starts with ``prefix`` (case-sensitive), rendered per dialect."""

    inherit_cache = True
    type = sa.Boolean()
    _is_implicitly_boolean = True  # a predicate: no "= 1" where booleans are not native
    _traverse_internals = [
        ("by_pattern", InternalTraversal.dp_clauseelement),
        ("by_range", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], prefix: str) -> None:
        pattern = escape_like(prefix) + "%"
        self.by_pattern = column.like(pattern)
        exact = sa.func.substr(column, 1, len(prefix)) == prefix
        bounds = [column >= prefix]
        upper = successor(prefix)
        if upper is not None:
            bounds.append(column < upper)
        self.by_range = sa.and_(*bounds, exact)


@compiles(PrefixMatch)
def _compile_range(element: PrefixMatch, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.by_range.self_group(), **kw)


@compiles(PrefixMatch, "postgresql")
def _compile_pattern(element: PrefixMatch, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.by_pattern, **kw)


def escape_like(text: str) -> str:
    """``text`` as a literal LIKE pattern under the default backslash escape."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def successor(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` in code point
    (= UTF-8 byte) order, or None if there is none."""
    characters = list(prefix)
    while characters:
        code = ord(characters.pop()) + 1
        if code in _SURROGATES:
            code = _SURROGATES.stop
        if code <= _MAX_CODE_POINT:
            return "".join(characters) + chr(code)
    return None
