"""The one decoder of client JSON (bounded_json.py), tested directly: exact depth limit,
unbalanced input, sizes, 64-bit integers, non-finite numbers, and its speed on hostile text."""

from __future__ import annotations

import time

import pytest

from imagekit_server.bounded_json import (
    INT64_MAX,
    INT64_MIN,
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    JsonLimitError,
    loads_bounded,
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_the_depth_limit_is_exact() -> None:
    assert loads_bounded(nested(MAX_JSON_DEPTH)) is not None
    with pytest.raises(JsonLimitError, match="nested too deeply"):
        loads_bounded(nested(MAX_JSON_DEPTH + 1))


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"a": "' + "[" * 10_000 + '", "b": "\\"[[[", "c": [1, {"d": "]]]"}]}'
    assert loads_bounded(text)["c"] == [1, {"d": "]]]"}]


@pytest.mark.parametrize(
    "text", ["[" * 100_000, "{" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 99_999]
)
def test_unbalanced_deep_text_is_refused_quickly(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(JsonLimitError, match=r"nested too deeply|not valid JSON"):
        loads_bounded(text)
    assert time.monotonic() - started < 1


def test_wide_hostile_text_within_the_size_limit_is_fast() -> None:
    text = "[" + ",".join(["[[[[[[[[[[]]]]]]]]]]"] * (MAX_JSON_BYTES // 22)) + "]"
    assert len(text) <= MAX_JSON_BYTES
    started = time.monotonic()
    assert len(loads_bounded(text)) == MAX_JSON_BYTES // 22
    assert time.monotonic() - started < 10  # linear: a quadratic scan would take minutes


def test_size_limit() -> None:
    with pytest.raises(JsonLimitError, match="too large"):
        loads_bounded('"' + "a" * MAX_JSON_BYTES + '"')


def test_integers_must_fit_64_bits() -> None:
    assert loads_bounded(f"[{INT64_MAX}, {INT64_MIN}]") == [INT64_MAX, INT64_MIN]
    for number in (INT64_MAX + 1, INT64_MIN - 1, 10**4000):
        with pytest.raises(JsonLimitError, match="64 bits"):
            loads_bounded(f"[{number}]")


@pytest.mark.parametrize("text", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(text: str) -> None:
    with pytest.raises(JsonLimitError):
        loads_bounded(f'{{"a": {text}}}')


def test_invalid_utf8_and_invalid_json() -> None:
    with pytest.raises(JsonLimitError, match="UTF-8"):
        loads_bounded(b'"\xff"')
    with pytest.raises(JsonLimitError, match="not valid JSON"):
        loads_bounded("{'a': 1}")


def test_the_message_names_what_was_decoded() -> None:
    with pytest.raises(JsonLimitError, match=r"^The tags parameter is nested too deeply"):
        loads_bounded(nested(100), "The tags parameter")
