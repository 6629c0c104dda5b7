"""Grammar of the common value types: numbers, `N` negatives, booleans, anchors, sizes."""

from __future__ import annotations

import re

from imagekit_server.imaging.errors import invalid
from imagekit_server.imaging.expressions import (
    PARENT_VARIABLES,
    Expression,
    looks_like_expression,
    parse_expression,
    parse_number,
)

ANCHORS = frozenset(
    {
        "center",
        "top",
        "left",
        "bottom",
        "right",
        "top_left",
        "top_right",
        "bottom_left",
        "bottom_right",
    }
)
_SIGNED = re.compile(r"N?[0-9]{1,12}(\.[0-9]{1,12})?")


def require(value: str | None, key: str) -> str:
    if value is None or value == "":
        raise invalid(f"'{key}' needs a value")
    return value


def number(value: str | None, key: str) -> float:
    return parse_number(require(value, key), key)


def signed_number(value: str | None, key: str) -> float:
    """A number where a leading `N` means negative (`rt-N40`)."""
    text = require(value, key)
    if not _SIGNED.fullmatch(text):
        raise invalid(f"'{key}' expects a number, got '{text}'")
    return -float(text[1:]) if text.startswith("N") else float(text)


def boolean(value: str | None, key: str) -> bool:
    text = require(value, key)
    if text not in {"true", "false"}:
        raise invalid(f"'{key}' expects true or false, got '{text}'")
    return text == "true"


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def number_or_expression(value: str | None, key: str, *, in_layer: bool) -> Expression:
    """A literal number or an arithmetic expression, checking where `b*` variables may go."""
    text = require(value, key)
    if not looks_like_expression(text):
        return Expression.literal(parse_number(text, key))
    expression = parse_expression(text, key)
    if not in_layer and expression.variables & PARENT_VARIABLES:
        raise invalid(f"'{key}' uses a parent variable (bw, bh, bar) outside a layer")
    return expression


def anchor(value: str | None, key: str) -> str:
    text = require(value, key)
    if text not in ANCHORS:
        raise invalid(f"'{key}' has an invalid position '{text}'")
    return text
