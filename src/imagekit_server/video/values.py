"""Numbers and arithmetic expressions in video parameter values (``so-idu_div_2``,
``lso-bdu_mul_0.4``, ``lx-bw_sub_cw``): docs/reference/expressions.md, with the variables each
parameter allows."""

from __future__ import annotations

from imagekit_server.imaging.errors import invalid
from imagekit_server.imaging.expressions import MAX_TOKENS, OPERATORS, Expression


def expression(value: str | None, key: str, names: frozenset[str]) -> Expression:
    """A non-negative number (decimals allowed) or ``operand(_operator_operand)*`` whose
    variables are among ``names``."""
    text = value or ""
    tokens = text.split("_")
    if len(tokens) == 1 and text not in names:
        number = number_of(text, key)
        if number < 0:
            raise invalid(f"{key}-{value}: cannot be negative")
        return Expression.literal(number)
    operators = tuple(tokens[1::2])
    if len(tokens) % 2 == 0 or len(tokens) > MAX_TOKENS or not set(operators) <= set(OPERATORS):
        raise invalid(f"{key}-{value}: expected a number or an expression such as idu_div_2")
    operands: list[float | str] = [
        token if token in names else number_of(token, key) for token in tokens[::2]
    ]
    return Expression(tuple(operands), operators)


def number_of(value: str | None, key: str) -> float:
    try:
        number = float(value or "")
    except ValueError:
        raise invalid(f"{key}-{value}: expected a number") from None
    if number != number or abs(number) > 1e7:
        raise invalid(f"{key}-{value}: out of range")
    return number
