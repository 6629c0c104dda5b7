"""The abstract syntax tree shared by ``searchQuery`` and upload ``checks`` expressions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral

# Operators after normalisation: keywords are upper case, negations are "NOT <op>".
Operator = TypingLiteral[
    "=", ":", "<", "<=", ">", ">=", "IN", "NOT =", "NOT IN", "HAS", "NOT HAS", "EXISTS",
    "NOT EXISTS",
]  # fmt: skip


@dataclass(frozen=True)
class Value:
    """A literal as written: quoted strings keep ``quoted=True``; bare tokens (numbers,
    booleans, dates, ``7d``, unquoted words) are interpreted by the field that uses them."""

    text: str
    quoted: bool
    position: int

    @property
    def display(self) -> str:
        return f'"{self.text}"' if self.quoted else self.text


@dataclass(frozen=True)
class Condition:
    """``field operator value`` (or a list of values for IN, none for EXISTS)."""

    field: str
    field_position: int
    operator: Operator
    operator_position: int
    values: tuple[Value, ...]
    is_list: bool = False


@dataclass(frozen=True)
class Connective:
    """AND / OR over two or more operands."""

    kind: TypingLiteral["AND", "OR"]
    operands: tuple[Node, ...]


Node = Condition | Connective
