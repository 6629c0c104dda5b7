"""Arithmetic expressions in parameter values (`iw_div_2`, `bw_sub_cw`), see
docs/reference/expressions.md.

An :class:`Expression` is parsed once and evaluated per step against the current sizes. Plain
numbers are expressions too (a single literal operand), so every numeric parameter has one type.
Operator binding follows ImageKit's documented order: mul/div, then add/sub, then mod, then pow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from imagekit_server.imaging.errors import invalid

IMAGE_VARIABLES = frozenset({"iw", "ih", "iar", "cw", "ch", "car"})
PARENT_VARIABLES = frozenset({"bw", "bh", "bar"})
VARIABLES = IMAGE_VARIABLES | PARENT_VARIABLES | {"idn"}
OPERATORS = ("mul", "div", "add", "sub", "mod", "pow")
# Loosest-binding last: each pass folds one precedence level from left to right.
_PRECEDENCE_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"mul", "div"}),
    frozenset({"add", "sub"}),
    frozenset({"mod"}),
    frozenset({"pow"}),
)
# ASCII digits only, bounded so every literal is a finite, exactly parseable float.
_NUMBER = re.compile(r"[0-9]{1,12}(\.[0-9]{1,12})?")
MAX_TOKENS = 32


@dataclass(frozen=True)
class Expression:
    """Operands (numbers or variable names) alternating with operator names."""

    operands: tuple[float | str, ...]
    operators: tuple[str, ...] = ()

    @staticmethod
    def literal(value: float) -> Expression:
        return Expression((value,))

    @property
    def is_literal(self) -> bool:
        return not self.operators and not isinstance(self.operands[0], str)

    @property
    def literal_value(self) -> float:
        first = self.operands[0]
        assert not isinstance(first, str)
        return first

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(o for o in self.operands if isinstance(o, str))

    def evaluate(self, variables: Mapping[str, float], parameter: str) -> float:
        """Compute the value; unknown variables, division by zero or overflow are errors."""
        values: list[float] = []
        for operand in self.operands:
            if isinstance(operand, str):
                if operand not in variables:
                    raise invalid(f"'{parameter}' cannot use '{operand}' here")
                values.append(variables[operand])
            else:
                values.append(operand)
        operators = list(self.operators)
        for level in _PRECEDENCE_LEVELS:
            index = 0
            while index < len(operators):
                if operators[index] in level:
                    folded = _apply(operators[index], values[index], values[index + 1], parameter)
                    values[index : index + 2] = [folded]
                    del operators[index]
                else:
                    index += 1
        result = values[0]
        if not math.isfinite(result):
            raise invalid(f"'{parameter}' evaluates to a non-finite number")
        return result

    def canonical(self) -> str:
        parts: list[str] = [_operand_text(self.operands[0])]
        for operator, operand in zip(self.operators, self.operands[1:], strict=True):
            parts += [operator, _operand_text(operand)]
        return "_".join(parts)


def _operand_text(operand: float | str) -> str:
    if isinstance(operand, str):
        return operand
    return format_number(operand)


def format_number(value: float) -> str:
    """Shortest stable decimal text of a number (300, 0.5)."""
    return str(int(value)) if value == int(value) else repr(value)


def _apply(operator: str, left: float, right: float, parameter: str) -> float:
    try:
        if operator == "mul":
            return left * right
        if operator == "div":
            return left / right
        if operator == "add":
            return left + right
        if operator == "sub":
            return left - right
        if operator == "mod":
            return math.fmod(left, right)
        return float(math.pow(left, right))
    except (ZeroDivisionError, ValueError, OverflowError):
        raise invalid(f"'{parameter}' has an expression that cannot be evaluated") from None


def parse_number(text: str, parameter: str) -> float:
    """A positive decimal literal (`300`, `0.5`); no sign, no exponent."""
    if not _NUMBER.fullmatch(text):
        raise invalid(f"'{parameter}' expects a number, got '{text}'")
    return float(text)


def looks_like_expression(text: str) -> bool:
    """A value is an expression when its first `_` token is a variable name."""
    return text.split("_", 1)[0] in VARIABLES


def parse_expression(text: str, parameter: str) -> Expression:
    """Parse a number or an `operand(_operator_operand)*` expression."""
    tokens = text.split("_")
    if len(tokens) % 2 == 0 or len(tokens) > MAX_TOKENS:
        raise invalid(f"'{parameter}' has an invalid expression '{text}'")
    operands: list[float | str] = []
    for token in tokens[::2]:
        if token in VARIABLES:
            operands.append(token)
        elif _NUMBER.fullmatch(token):
            operands.append(float(token))
        else:
            raise invalid(f"'{parameter}' has an invalid expression '{text}'")
    operators = tuple(tokens[1::2])
    if any(op not in OPERATORS for op in operators):
        raise invalid(f"'{parameter}' has an invalid expression '{text}'")
    return Expression(tuple(operands), operators)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)
