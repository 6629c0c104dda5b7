"""Conditions of ``if-`` blocks on videos (docs/video.md): ImageKit's condition syntax
(docs/reference/transformations.md §9.3) over the video's properties: ``w``, ``h``, ``ar`` at
the current step, ``iw``, ``ih``, ``iar`` of the (upright) original, and ``idu``, its duration
in seconds (the name ImageKit's trim expressions give it). Pure: geometry.resolved_steps
decides the branches."""

from __future__ import annotations

import re

from imagekit_server.imaging.conditions import holds
from imagekit_server.imaging.errors import invalid
from imagekit_server.imaging.plan import Comparison, Condition

PROPERTIES = frozenset({"w", "h", "ar", "iw", "ih", "iar", "idu"})
OPERATORS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte"})
_VALUE = re.compile(r"([0-9]{1,12}(?:\.[0-9]{1,12})?)(?:-([0-9]{1,12}(?:\.[0-9]{1,12})?))?")


def parse_condition(text: str) -> Condition:
    """``<prop>_<op>_<value>`` joined by ``_and_`` / ``_or_`` (``and`` binds tighter)."""
    alternatives = tuple(
        tuple(_comparison(part, text) for part in alternative.split("_and_"))
        for alternative in text.split("_or_")
    )
    return Condition(alternatives, text)


def _comparison(text: str, whole: str) -> Comparison:
    parts = text.split("_")
    if len(parts) != 3 or parts[0] not in PROPERTIES or parts[1] not in OPERATORS:
        raise invalid(
            f"if-{whole}: a condition on a video is <property>_<operator>_<value> with a "
            f"property among {', '.join(sorted(PROPERTIES))}"
        )
    match = _VALUE.fullmatch(parts[2])
    if not match:
        raise invalid(f"if-{whole}: invalid value '{parts[2]}'")
    value = float(match.group(1))
    if match.group(2) is not None:
        denominator = float(match.group(2))
        if denominator == 0:
            raise invalid(f"if-{whole}: divides by zero")
        value /= denominator
    return Comparison(parts[0], parts[1], value)


__all__ = ["Condition", "holds", "parse_condition"]
