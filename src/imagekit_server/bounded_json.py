"""Decoding client JSON under limits (docs/security-limits.md): the one decoder for request
bodies, JSON form fields and upload tokens.

Python's decoder recurses once per ``[``/``{``, so 100,000 of them raise RecursionError (a 500)
and a few hundred would crash later code that walks the value; huge integers overflow the
database's 64-bit columns and ``1e999`` becomes an infinity no JSON column can store. Every such
body is refused here with a ValueError (callers turn it into their 400) before anything reads it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_JSON_DEPTH = 32
"""Nesting levels of arrays and objects; ImageKit's bodies need at most about five."""
MAX_JSON_BYTES = 1024 * 1024
"""The largest JSON text accepted: the same bound as one upload form field."""
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# A JSON string literal (unrolled, so matching is linear), and the innermost array or object.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_INNERMOST = re.compile(r"[\[{][^\[\]{}]*[\]}]")


class JsonLimitError(ValueError):
    """The text is not JSON, or is JSON beyond the limits; the message says which."""


def loads_bounded(text: str | bytes, what: str = "The JSON value") -> Any:
    """``json.loads`` that refuses deep nesting, oversized text, integers outside 64 bits and
    non-finite numbers. ``what`` starts the error message ("The request body ...")."""
    if len(text) > MAX_JSON_BYTES:
        raise JsonLimitError(f"{what} is too large: at most {MAX_JSON_BYTES} bytes.")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonLimitError(f"{what} is not valid UTF-8 JSON.") from None
    if _nested_deeper_than(text, MAX_JSON_DEPTH):
        raise JsonLimitError(_too_deep(what))
    try:
        return json.loads(
            text,
            parse_int=_bounded_int(what),
            parse_float=_finite_float(what),
            parse_constant=_no_constant(what),
        )
    except JsonLimitError:
        raise
    except RecursionError:  # unbalanced brackets that the skeleton check left to the decoder
        raise JsonLimitError(_too_deep(what)) from None
    except ValueError:
        raise JsonLimitError(f"{what} is not valid JSON.") from None


def _too_deep(what: str) -> str:
    return f"{what} is nested too deeply: at most {MAX_JSON_DEPTH} levels."


def _nested_deeper_than(text: str, limit: int) -> bool:
    """Peel the innermost arrays/objects off, one level per pass (each pass runs in C)."""
    skeleton = _STRING.sub("", text)
    for _ in range(limit):
        skeleton, peeled = _INNERMOST.subn("", skeleton)
        if not peeled:
            return False  # what is left, if anything, is unbalanced: the decoder refuses it
    return "[" in skeleton or "{" in skeleton


def _bounded_int(what: str) -> Any:
    def parse(digits: str) -> int:
        if len(digits) > 20 or not INT64_MIN <= (number := int(digits)) <= INT64_MAX:
            raise JsonLimitError(f"{what} holds an integer beyond 64 bits: {digits[:30]}")
        return number

    return parse


def _finite_float(what: str) -> Any:
    def parse(text: str) -> float:
        number = float(text)
        if not math.isfinite(number):
            raise JsonLimitError(f"{what} holds a number too large to store: {text[:30]}")
        return number

    return parse


def _no_constant(what: str) -> Any:
    def parse(name: str) -> float:
        raise JsonLimitError(f"{what} holds {name}, which is not a JSON number.")

    return parse
