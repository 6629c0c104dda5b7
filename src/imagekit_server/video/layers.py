"""Layers over video (docs/video.md): parse ``l-...,l-end`` into a :class:`VideoLayer`.

Three kinds:

- ``picture``: image, text and solid colour (``i-ik_canvas``) layers, drawn by the image engine
  onto a transparent canvas of the frame's size at that step (positions, sizes, fonts and nested
  layers exactly as on images; overlays.py) and overlaid on the frames;
- ``video``: ``l-video,i-<video>``, another video of the library with its own video
  transformations (every video parameter but ``sr``; ``r`` makes its corners transparent),
  placed by ``lx``/``ly``/``lfo`` (docs/reference/layers.md §3) and decoded alongside the base
  (render.py);
- ``subtitles``: ``l-subtitles,i-<file.srt|.vtt>`` with ImageKit's styling parameters
  (subtitles.py), burnt in at the bottom centre.

Each may have a time window on the output: ``lso`` (start), ``leo`` (end; ``ldu`` is ignored
when both are given, as ImageKit's docs say) and ``ldu`` (duration), in seconds or expressions
of ``bdu`` (the base video's duration) and ``idu`` (the layer video's duration).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import quote

from imagekit_server.imaging.errors import invalid, unsupported
from imagekit_server.imaging.expressions import Expression
from imagekit_server.imaging.syntax import RawConditional, RawLayer, RawParam, RawStep
from imagekit_server.video.subtitles import STYLE_KEYS, SUFFIXES, SubtitleStyle, subtitle_style
from imagekit_server.video.values import expression

# A video layer holds its own plan and a plan holds layers: the plan type is a parameter here,
# so this module need not import video/plan.py (which imports it).
PlanT = TypeVar("PlanT")

TIMING_KEYS = ("lso", "leo", "ldu")
_TIMING_NAMES = frozenset({"bdu", "idu"})
_POSITION_NAMES = frozenset({"bw", "bh", "cw", "ch"})
FOCI = frozenset(
    {"center", "top", "left", "bottom", "right", "top_left", "top_right", "bottom_left"}
    | {"bottom_right"}
)
_SAFE = "@/=+_.~*!$'()"


@dataclass(frozen=True)
class Timing:
    """``lso``/``leo``/``ldu``: when the layer shows, in output seconds."""

    start: Expression | None = None
    end: Expression | None = None
    duration: Expression | None = None

    def window(self, base: float, layer: float = 0.0) -> tuple[float, float] | None:
        """``(from, to)`` seconds of the output, or None (always shown). ``base``: the output's
        duration (``bdu``), ``layer``: the layer video's (``idu``)."""
        if self == Timing():
            return None
        names = {"bdu": base, "idu": layer}
        low = max(0.0, self.start.evaluate(names, "lso")) if self.start else 0.0
        if self.end is not None:
            high = self.end.evaluate(names, "leo")
        elif self.duration is not None:
            high = low + self.duration.evaluate(names, "ldu")
        else:
            high = float("inf")
        return low, high


@dataclass(frozen=True)
class Placement:
    """``lx``/``ly`` (pixels, ``N`` from the far edge, or expressions of ``bw``, ``bh``,
    ``cw``, ``ch``) or ``lfo`` (docs/reference/layers.md §3)."""

    x: Expression | None = None
    y: Expression | None = None
    x_far: bool = False
    y_far: bool = False
    focus: str = "center"

    def origin(self, parent: tuple[int, int], size: tuple[int, int]) -> tuple[int, int]:
        """The layer's top-left corner, pulled back inside the parent."""
        (bw, bh), (cw, ch) = parent, size
        names = {"bw": float(bw), "bh": float(bh), "cw": float(cw), "ch": float(ch)}
        room_x, room_y = max(0, bw - cw), max(0, bh - ch)
        if self.x is None and self.y is None:
            x = {"left": 0, "right": room_x}.get(_horizontal(self.focus), room_x // 2)
            y = {"top": 0, "bottom": room_y}.get(_vertical(self.focus), room_y // 2)
            return x, y
        x = _coordinate(self.x, self.x_far, names, room_x, "lx")
        y = _coordinate(self.y, self.y_far, names, room_y, "ly")
        return x, y


def _horizontal(focus: str) -> str:
    return "left" if "left" in focus else "right" if "right" in focus else "center"


def _vertical(focus: str) -> str:
    return "top" if "top" in focus else "bottom" if "bottom" in focus else "center"


def _coordinate(
    value: Expression | None, far: bool, names: dict[str, float], room: int, key: str
) -> int:
    if value is None:
        return 0
    offset = round(value.evaluate(names, key))
    return min(room, max(0, room - offset if far else offset))


@dataclass(frozen=True)
class VideoLayer(Generic[PlanT]):
    kind: str  # "picture", "video" or "subtitles"
    chain: str = ""  # picture: the layer as an image transformation (``l-text,...,l-end``)
    path: str = ""  # video, subtitles: the library file ("/folder/clip.mp4")
    plan: PlanT | None = None  # video: its own transformations
    placement: Placement = Placement()
    style: SubtitleStyle | None = None  # subtitles
    timing: Timing = Timing()
    radius: float | None = None  # video: transparent rounded corners (-1: max)

    @property
    def reads_file(self) -> bool:
        return self.kind in ("video", "subtitles")


# Parses a video layer's own steps into its plan and the radius of its rounded corners.
InnerParser = Callable[[tuple[RawStep, ...]], tuple[PlanT, float | None]]


def video_layer(layer: RawLayer, parse_inner: InnerParser[PlanT]) -> VideoLayer[PlanT]:
    """Raises ``TransformationError``. ``parse_inner`` parses a video layer's own steps."""
    if layer.kind in ("image", "text"):
        timing, kept = _timing(layer.steps)
        return VideoLayer("picture", serialise(RawLayer(layer.kind, kept)), timing=timing)
    if layer.kind == "video":
        return _video(layer, parse_inner)
    if layer.kind in ("subtitles", "subtitle"):
        return _subtitles(layer)
    raise invalid(f"unknown layer type 'l-{layer.kind}'")


def _timing(steps: tuple[RawStep, ...]) -> tuple[Timing, tuple[RawStep, ...]]:
    found: dict[str, Expression] = {}
    kept: list[RawStep] = []
    for step in steps:
        items = []
        for item in step:
            if isinstance(item, RawParam) and item.key in TIMING_KEYS:
                found[item.key] = _time(item)
            else:
                items.append(item)
        kept.append(tuple(items))
    timing = Timing(found.get("lso"), found.get("leo"), found.get("ldu"))
    return timing, tuple(kept)


def _time(item: RawParam) -> Expression:
    value = expression(item.value, item.key, _TIMING_NAMES)
    if value.is_literal and not 0 <= value.literal_value < 1e7:
        raise invalid(f"{item.text()}: out of range")
    return value


def _own_params(
    steps: tuple[RawStep, ...], keys: frozenset[str], kind: str
) -> tuple[dict[str, str | None], tuple[RawStep, ...]]:
    """Pull ``keys`` out of every step; nested layers and conditions are refused."""
    params: dict[str, str | None] = {}
    kept: list[RawStep] = []
    for step in steps:
        items: list[RawParam] = []
        for item in step:
            if isinstance(item, RawLayer):
                raise unsupported(f"layers inside l-{kind} are not supported by this server")
            if isinstance(item, RawConditional):
                raise unsupported(f"conditions (if-) inside l-{kind} are not supported")
            if item.key in keys:
                params[item.key] = item.value
            else:
                items.append(item)
        kept.append(tuple(items))
    return params, tuple(step for step in kept if step)


def _input_path(params: dict[str, str | None], kind: str) -> str:
    if params.get("ie"):
        text = (params["ie"] or "").replace(" ", "+")
        text += "=" * (-len(text) % 4)
        try:
            raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
            source = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise invalid("'ie' is not valid base64 UTF-8") from None
    elif params.get("i"):
        source = params["i"] or ""
    else:
        raise invalid(f"l-{kind} needs an input ('i' or 'ie')")
    if "://" in source:
        raise unsupported("layer input from an absolute URL is not supported")
    path = source.replace("@@", "/").strip("/")
    if not path:
        raise invalid(f"l-{kind} needs an input ('i' or 'ie')")
    return "/" + path


def _video(layer: RawLayer, parse_inner: InnerParser[PlanT]) -> VideoLayer[PlanT]:
    keys = frozenset({"i", "ie", "lx", "ly", "lfo", *TIMING_KEYS})
    params, steps = _own_params(layer.steps, keys, "video")
    for key in ("lxc", "lyc", "lap", "lm"):
        if any(isinstance(i, RawParam) and i.key == key for step in steps for i in step):
            raise unsupported(f"{key} in l-video is not supported by this server")
    plan, radius = parse_inner(steps)
    timing = Timing(
        *(_time(RawParam(key, params[key])) if key in params else None for key in TIMING_KEYS)
    )
    return VideoLayer(
        "video",
        path=_input_path(params, "video"),
        plan=plan,
        placement=_placement(params),
        timing=timing,
        radius=radius,
    )


def _placement(params: dict[str, str | None]) -> Placement:
    focus = params.get("lfo") or "center"
    if focus not in FOCI:
        raise invalid(f"lfo-{focus}: expected one of {', '.join(sorted(FOCI))}")
    x, x_far = _offset(params, "lx")
    y, y_far = _offset(params, "ly")
    return Placement(x, y, x_far, y_far, focus)


def _offset(params: dict[str, str | None], key: str) -> tuple[Expression | None, bool]:
    if key not in params:
        return None, False
    text = params[key] or ""
    far = text.startswith("N")
    value = expression(text[1:] if far else text, key, _POSITION_NAMES)
    if far and not value.is_literal:
        raise invalid(f"{key}-{text}: N takes a number")
    return value, far


def _subtitles(layer: RawLayer) -> VideoLayer[PlanT]:
    keys = frozenset({"i", "ie", *STYLE_KEYS, *TIMING_KEYS})
    params, rest = _own_params(layer.steps, keys, "subtitles")
    if rest:
        names = ", ".join(item_text(item) for step in rest for item in step)
        raise invalid(
            f"l-subtitles takes i or ie and {', '.join(sorted(STYLE_KEYS))} (its position "
            f"cannot be set, as on ImageKit), not {names}"
        )
    path = _input_path(params, "subtitles")
    if not path.lower().endswith(SUFFIXES):
        raise invalid("l-subtitles takes an .srt or .vtt file")
    timing = Timing(
        *(_time(RawParam(key, params[key])) if key in params else None for key in TIMING_KEYS)
    )
    return VideoLayer("subtitles", path=path, style=subtitle_style(params), timing=timing)


def serialise(layer: RawLayer) -> str:
    """The layer back in the ``tr`` syntax (values percent-encoded again)."""
    steps = ":".join(",".join(item_text(item) for item in step) for step in layer.steps)
    return f"l-{layer.kind},{steps},l-end" if steps else f"l-{layer.kind},l-end"


def item_text(item: RawParam | RawLayer | RawConditional) -> str:
    if isinstance(item, RawLayer):
        return serialise(item)
    if isinstance(item, RawConditional):
        then = ":".join(",".join(item_text(i) for i in step) for step in item.then_steps)
        otherwise = ":".join(",".join(item_text(i) for i in step) for step in item.else_steps)
        tail = f",if-else,{otherwise}" if otherwise else ""
        return f"if-{item.condition},{then}{tail},if-end"
    if item.value is None:
        return item.key
    return f"{item.key}-{quote(item.value, safe=_SAFE)}"
