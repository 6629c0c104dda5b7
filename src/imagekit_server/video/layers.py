"""Layers over video (image, text, solid colour ``i-ik_canvas``): each is drawn by the image
engine onto a transparent canvas of the video's size at that step (so positions, sizes, fonts
and nested layers behave exactly as on images), then overlaid on every frame in its time window
(``lso``, ``leo``, ``ldu``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from imagekit_server.imaging.errors import invalid, unsupported
from imagekit_server.imaging.syntax import RawConditional, RawLayer, RawParam, RawStep

_TIMING_KEYS = ("lso", "leo", "ldu")
_SAFE = "@/=+_.~*!$'()"


@dataclass(frozen=True)
class VideoLayer:
    chain: str  # the layer as an image transformation (``l-text,i-Hi,...,l-end``)
    start: float | None = None
    end: float | None = None

    def enable(self) -> str | None:
        """FFmpeg's ``enable`` expression of the window, or None (always shown)."""
        if self.start is None and self.end is None:
            return None
        low, high = self.start or 0.0, self.end if self.end is not None else 1e9
        return f"between(t\\,{low:g}\\,{high:g})"


def video_layer(layer: RawLayer) -> VideoLayer:
    if layer.kind not in ("image", "text"):
        raise unsupported(f"l-{layer.kind} over videos is not supported by this server")
    start = end = duration = None
    kept: list[RawStep] = []
    for step in layer.steps:
        items = []
        for item in step:
            if isinstance(item, RawParam) and item.key in _TIMING_KEYS:
                seconds = _seconds(item)
                if item.key == "lso":
                    start = seconds
                elif item.key == "leo":
                    end = seconds
                else:
                    duration = seconds
            else:
                items.append(item)
        kept.append(tuple(items))
    if duration is not None:
        end = (start or 0.0) + duration if end is None else min(end, (start or 0.0) + duration)
    return VideoLayer(serialise(RawLayer(layer.kind, tuple(kept))), start, end)


def _seconds(item: RawParam) -> float:
    try:
        value = float(item.value or "")
    except ValueError:
        raise invalid(f"{item.text()}: expected seconds") from None
    if not 0 <= value < 1e7:
        raise invalid(f"{item.text()}: out of range")
    return value


def serialise(layer: RawLayer) -> str:
    """The layer back in the ``tr`` syntax (values percent-encoded again)."""
    steps = ":".join(",".join(item_text(item) for item in step) for step in layer.steps)
    return f"l-{layer.kind},{steps},l-end" if steps else f"l-{layer.kind},l-end"


def item_text(item: RawParam | RawLayer | RawConditional) -> str:
    if isinstance(item, RawLayer):
        return serialise(item)
    if isinstance(item, RawConditional):
        raise unsupported("conditions inside layers over videos are not supported")
    if item.value is None:
        return item.key
    return f"{item.key}-{quote(item.value, safe=_SAFE)}"
