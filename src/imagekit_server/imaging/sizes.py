"""Resolve the requested size of a step: `w`, `h`, `ar`, `dpr` (docs/reference/transformations.md
§3.1-3.3)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from imagekit_server.imaging.errors import invalid
from imagekit_server.imaging.expressions import Expression, round_half_up
from imagekit_server.imaging.plan import Step

MAX_DPR_DIMENSION = 5000


@dataclass(frozen=True)
class ClientHints:
    """Client-hint request headers: `Sec-CH-Width` (already includes DPR) and `Sec-CH-DPR`."""

    width: float | None = None
    dpr: float | None = None


def size_variables(iw: int, ih: int, cw: int, ch: int) -> dict[str, float]:
    return {"iw": iw, "ih": ih, "iar": iw / ih, "cw": cw, "ch": ch, "car": cw / ch}


def _pixels(expression: Expression, base: int, variables: Mapping[str, float], key: str) -> float:
    if expression.is_literal:
        value = expression.literal_value
        return value * base if 0 < value < 1 else value
    value = expression.evaluate(variables, key)
    if value <= 0:
        raise invalid(f"'{key}' evaluates to {value:g}; it must be greater than 0")
    return value


def requested_size(
    step: Step,
    width: int,
    height: int,
    variables: Mapping[str, float],
    hints: ClientHints,
) -> tuple[int | None, int | None]:
    """The target width and height of the step in pixels (None when not requested)."""
    requested_width = None
    if step.width is not None:
        requested_width = _pixels(step.width, width, variables, "w")
    if step.width_auto and hints.width:
        requested_width = math.ceil(hints.width / 100) * 100
    requested_height = None
    if step.height is not None:
        requested_height = _pixels(step.height, height, variables, "h")
    dpr = _dpr(step, variables, hints)
    if dpr != 1 and not (step.width_auto and hints.width):
        scaled = [v * dpr for v in (requested_width, requested_height) if v is not None]
        if scaled and all(1 <= v <= MAX_DPR_DIMENSION for v in scaled):
            requested_width = requested_width * dpr if requested_width else None
            requested_height = requested_height * dpr if requested_height else None
    if step.aspect_ratio is not None and (requested_width is None) != (requested_height is None):
        ratio = step.aspect_ratio.evaluate(variables, "ar")
        if ratio <= 0:
            raise invalid("'ar' must be greater than 0")
        if requested_width is not None:
            requested_height = requested_width / ratio
        elif requested_height is not None:
            requested_width = requested_height * ratio
    return _whole(requested_width), _whole(requested_height)


def _dpr(step: Step, variables: Mapping[str, float], hints: ClientHints) -> float:
    if step.dpr_auto:
        return min(max(hints.dpr or 1.0, 0.1), 5.0)
    if step.dpr is None:
        return 1.0
    return min(max(step.dpr.evaluate(variables, "dpr"), 0.1), 5.0)


def _whole(value: float | None) -> int | None:
    return None if value is None else max(1, round_half_up(value))
