"""Arithmetic expressions (docs/reference/expressions.md §3-5, §7) and colour values."""

from __future__ import annotations

import pytest

from imagekit_server.imaging import TransformationError
from imagekit_server.imaging.colours import parse_colour
from imagekit_server.imaging.expressions import parse_expression, round_half_up

VARIABLES = {"iw": 1000, "ih": 750, "iar": 1000 / 750, "cw": 250, "ch": 375, "car": 250 / 375}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("iw_div_2", 500),
        ("ih_mul_0.8_add_iw_mul_0.4", 1000),
        ("iw_add_10_mod_7", 2),  # documented order: (1000 + 10) mod 7
        ("iw_div_10_pow_2", 10000),  # (1000 / 10) ^ 2
        ("iw_mul_2_pow_0.5", 44.72),
        ("ch_mod_5", 0),
        ("cw_mul_0.05", 12.5),
        ("ih", 750),
        ("iw_sub_cw_sub_10", 740),
    ],
)
def test_documented_examples(text: str, expected: float) -> None:
    assert parse_expression(text, "w").evaluate(VARIABLES, "w") == pytest.approx(expected, 0.001)


def test_rounding_is_half_up() -> None:
    assert round_half_up(12.5) == 13 and round_half_up(12.49) == 12 and round_half_up(0.5) == 1


@pytest.mark.parametrize("text", ["iw_div_0", "iw_mod_0", "bw_div_2", "iw_div", "iw_plus_2", "-3"])
def test_invalid_or_unevaluable(text: str) -> None:
    with pytest.raises(TransformationError) as raised:
        parse_expression(text, "w").evaluate(VARIABLES, "w")
    assert raised.value.status == 400 and "'w'" in raised.value.message


def test_canonical_text_round_trips() -> None:
    text = "ih_mul_0.8_add_iw_mul_0.4"
    assert parse_expression(text, "w").canonical() == text


@pytest.mark.parametrize(
    ("text", "rgba"),
    [
        ("FF0000", (255, 0, 0, 255)),
        ("ff0000", (255, 0, 0, 255)),
        ("F00", (255, 0, 0, 255)),
        ("FFFFFF50", (255, 255, 255, 128)),
        ("00000000", (0, 0, 0, 0)),
        ("lightgreen", (144, 238, 144, 255)),
        ("RED", (255, 0, 0, 255)),
    ],
)
def test_colours(text: str, rgba: tuple[int, int, int, int]) -> None:
    colour = parse_colour(text, "bg")
    assert (colour.red, colour.green, colour.blue, colour.alpha) == rgba


@pytest.mark.parametrize("text", ["FFFFFFAA", "GG0000", "notacolour", "FFFF", ""])
def test_bad_colours(text: str) -> None:
    with pytest.raises(TransformationError):
        parse_colour(text, "bg")
