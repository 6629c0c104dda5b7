"""Conditional blocks: parse `if-<condition>` and decide a branch
(docs/reference/transformations.md §9.3)."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping

from imagekit_server.imaging.errors import invalid
from imagekit_server.imaging.plan import Comparison, Condition

PROPERTIES = frozenset({"w", "h", "ar", "iw", "ih", "iar"})
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_VALUE = re.compile(r"([0-9]{1,12}(?:\.[0-9]{1,12})?)(?:-([0-9]{1,12}(?:\.[0-9]{1,12})?))?")


def parse_condition(
    text: str, properties: frozenset[str] = PROPERTIES, explain: str = ""
) -> Condition:
    """``<prop>_<op>_<value>`` joined by ``_and_`` / ``_or_`` (``and`` binds tighter), over
    ``properties`` (videos add their duration); ``explain`` follows the message of a malformed
    comparison."""
    alternatives = tuple(
        tuple(_comparison(part, text, properties, explain) for part in alternative.split("_and_"))
        for alternative in text.split("_or_")
    )
    return Condition(alternatives, text)


def _comparison(text: str, whole: str, properties: frozenset[str], explain: str) -> Comparison:
    parts = text.split("_")
    if len(parts) != 3 or parts[0] not in properties or parts[1] not in _OPERATORS:
        raise invalid(f"'if' has an invalid condition '{whole}'{explain}")
    match = _VALUE.fullmatch(parts[2])
    if not match:
        raise invalid(f"'if' has an invalid value in '{whole}'")
    value = float(match.group(1))
    if match.group(2) is not None:
        denominator = float(match.group(2))
        if denominator == 0:
            raise invalid(f"'if' divides by zero in '{whole}'")
        value /= denominator
    return Comparison(parts[0], parts[1], value)


def holds(condition: Condition, properties: Mapping[str, float]) -> bool:
    """Evaluate against the current (`w`, `h`, `ar`) and original (`iw`, ...) sizes."""
    return any(
        all(_compare(comparison, properties) for comparison in alternative)
        for alternative in condition.alternatives
    )


def _compare(comparison: Comparison, properties: Mapping[str, float]) -> bool:
    actual = properties[comparison.prop]
    if comparison.operator in {"eq", "ne"} and comparison.prop in {"ar", "iar"}:
        equal = math.isclose(actual, comparison.value, rel_tol=1e-3)
        return equal if comparison.operator == "eq" else not equal
    return _OPERATORS[comparison.operator](actual, comparison.value)
