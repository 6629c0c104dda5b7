"""Conditions of ``if-`` blocks on videos (docs/video.md): ImageKit's condition syntax
(docs/reference/transformations.md §9.3) over the video's properties: ``w``, ``h``, ``ar`` at
the current step, ``iw``, ``ih``, ``iar`` of the (upright) original, and ``idu``, its duration
in seconds (the name ImageKit's trim expressions give it). Pure: geometry.resolved_steps
decides the branches."""

from __future__ import annotations

from imagekit_server.imaging import conditions
from imagekit_server.imaging.conditions import holds
from imagekit_server.imaging.plan import Condition

PROPERTIES = conditions.PROPERTIES | {"idu"}

__all__ = ["holds", "parse_condition"]


def parse_condition(text: str) -> Condition:
    """An image condition over the video's properties (``idu`` added)."""
    return conditions.parse_condition(
        text,
        PROPERTIES,
        f": a condition on a video is <property>_<operator>_<value> with a property among "
        f"{', '.join(sorted(PROPERTIES))}",
    )
