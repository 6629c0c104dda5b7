"""Comparisons of integer columns (width, height, size) with any number, exact and safe.

A query may compare ``width`` with ``1e12`` or ``10.5``. Bound as is, PostgreSQL would fail
(``integer out of range``) or cast the column to ``numeric`` and skip its index. So every
comparison is rewritten as an equivalent one against an in-range integer bound: ``> 10.5`` is
``>= 11``, ``= 10.5`` matches nothing, ``< 1e12`` is ``IS NOT NULL`` for a 32-bit column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

Clause = ColumnElement[bool] | bool


def integer_range(column: ColumnElement[int]) -> tuple[int, int]:
    """The values a column's SQL type can hold (BIGINT: 64 bits, INTEGER: 32)."""
    bits = 64 if isinstance(column.type, sa.BigInteger) else 32
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def compare_integer(column: ColumnElement[int], operator: str, values: Sequence[float]) -> Clause:
    """``column <operator> values`` for =, NOT =, IN, NOT IN, <, <=, >, >=."""
    low, high = integer_range(column)
    if operator in ("=", "IN", "NOT =", "NOT IN"):
        exact = sorted({int(v) for v in values if float(v).is_integer() and low <= v <= high})
        if operator in ("=", "IN"):
            return column.in_(exact) if exact else False
        return column.not_in(exact) if exact else column.is_not(None)
    value = values[0]
    if operator in (">", ">="):
        least = math.floor(value) + 1 if operator == ">" else math.ceil(value)
        if least > high:
            return False
        return column.is_not(None) if least <= low else column >= least
    greatest = math.ceil(value) - 1 if operator == "<" else math.floor(value)
    if greatest < low:
        return False
    return column.is_not(None) if greatest >= high else column <= greatest
