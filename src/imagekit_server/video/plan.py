"""Parse a video transformation (the shared ``tr`` syntax, imaging.syntax) into a typed plan.

Supported (docs/video.md): ``w``, ``h``, ``ar``, ``c-`` (maintain_ratio, force, at_max,
at_least), ``cm-`` (pad_resize, extract), ``bg`` (pad and corner colour), ``rt`` (90/180/270),
``r`` (corner radius), ``b`` (border), layers (layers.py), ``so``/``eo``/``du`` (seconds or
``idu`` expressions), ``f`` (mp4, webm, auto, orig), ``vc`` (h264, vp9, none: the audio alone),
``ac-none``, ``q``, ``sr`` (adaptive streaming representations), ``if-`` blocks (conditions.py;
decided by geometry.resolved_steps), chained steps. Anything else, the image-only effects
(``e-``) among them, is a 400 ``EUNSUPPORTED`` so a URL never silently renders something else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from imagekit_server.imaging.colours import Colour, parse_colour
from imagekit_server.imaging.errors import (
    TransformationError,
    invalid,
    limit_exceeded,
    unsupported,
)
from imagekit_server.imaging.expressions import Expression
from imagekit_server.imaging.named import NamedResolver, expand_named, named_references
from imagekit_server.imaging.plan import Condition
from imagekit_server.imaging.syntax import RawConditional, RawLayer, RawParam, RawStep, tokenise
from imagekit_server.video.conditions import parse_condition
from imagekit_server.video.layers import VideoLayer, item_text, video_layer
from imagekit_server.video.values import expression, number_of

CROPS = frozenset({"maintain_ratio", "force", "at_max", "at_least"})
CROP_MODES = frozenset({"pad_resize", "extract"})
FORMATS = frozenset({"mp4", "webm", "auto", "orig"})
VIDEO_CODECS = frozenset({"h264", "vp9", "none"})
# Keys that only concern timing or the container, not a step's geometry.
_TIME_KEYS = ("so", "eo", "du")
BLACK = Colour(0, 0, 0)
MAX_FILE_LAYERS = 4  # l-video and l-subtitles layers in one plan (each decodes or draws a file)


@dataclass(frozen=True)
class Geometry:
    """One chain step's frame operations."""

    width: float | None = None  # < 1: fraction of the input
    height: float | None = None
    aspect: tuple[float, float] | None = None
    crop: str = "maintain_ratio"
    crop_mode: str | None = None
    background: Colour = BLACK
    rotation: int = 0
    border: tuple[int, Colour] | None = None
    radius: float | None = None  # r-: px, or -1 for "max"; corners painted with ``background``
    layers: tuple[VideoLayer[VideoPlan], ...] = ()  # drawn after the step's geometry
    branch: Branch | None = None  # an ``if-`` block: a step of its own

    @property
    def is_identity(self) -> bool:
        return self == Geometry()


@dataclass(frozen=True)
class Branch:
    """``if-<condition>,<then>,if-else,<else>,if-end``: the steps taken either way
    (geometry.resolved_steps decides, from the video's sizes and duration)."""

    condition: Condition
    then_steps: tuple[Geometry, ...]
    else_steps: tuple[Geometry, ...]


@dataclass(frozen=True)
class VideoPlan:
    steps: tuple[Geometry, ...] = ()
    start: Expression | None = None  # so (seconds, or an expression of idu)
    end: Expression | None = None  # eo
    duration: Expression | None = None  # du
    format: str | None = None  # None: the source's container (mp4 for non-mp4 sources)
    video_codec: str | None = None
    audio: bool = True
    quality: int | None = None
    representations: tuple[int, ...] = ()  # sr-240_360_480: output heights
    extra: tuple[str, ...] = field(default=())  # params left for a thumbnail's image chain

    @property
    def has_branches(self) -> bool:
        return any(step.branch is not None for step in self.steps)

    def key(self) -> str:
        """Stable text naming the rendition (part of its derived blob name)."""
        return hashlib.sha256(repr(replace(self, extra=())).encode()).hexdigest()[:24]

    def start_seconds(self, source_duration: float) -> float:
        return seconds(self.start, source_duration, "so") if self.start is not None else 0.0

    def window(self, source_duration: float) -> tuple[float, float]:
        """``[start, end)`` in source seconds after so/eo/du, clamped to the source."""
        start = min(self.start_seconds(source_duration), source_duration)
        end = source_duration
        if self.end is not None:
            end = min(end, seconds(self.end, source_duration, "eo"))
        if self.duration is not None:
            end = min(end, start + seconds(self.duration, source_duration, "du"))
        if end <= start:
            raise invalid("the trim (so, eo, du) leaves no part of the video")
        return start, end


def named_in(text: str) -> tuple[str, ...]:
    """The named transformations (``n-``) a chain refers to."""
    return named_references(tokenise(text))


def parse_video_plan(
    text: str, *, for_thumbnail: bool = False, resolve_named: NamedResolver | None = None
) -> VideoPlan:
    """Raises ``TransformationError``. With ``for_thumbnail`` only ``so`` is read here and the
    other parameters are kept (``extra``) for the image renderer. ``n-`` references are
    expanded through ``resolve_named`` (the account's named transformations)."""
    raw_steps = tokenise(text)
    if resolve_named is not None:
        raw_steps = expand_named(raw_steps, resolve_named)
    plan = _parse_steps(raw_steps, for_thumbnail)
    if _file_layers(plan.steps) > MAX_FILE_LAYERS:
        raise limit_exceeded(
            f"at most {MAX_FILE_LAYERS} video and subtitle layers may be used in one video"
        )
    return plan


def _file_layers(steps: tuple[Geometry, ...]) -> int:
    """Video and subtitle layers (each one decoded or drawn per cue), both branches counted."""
    count = 0
    for step in steps:
        count += sum(layer.reads_file for layer in step.layers)
        if step.branch is not None:
            count += _file_layers(step.branch.then_steps) + _file_layers(step.branch.else_steps)
    return count


def _layer_plan(steps: tuple[RawStep, ...]) -> tuple[VideoPlan, float | None]:
    """An ``l-video`` layer's own plan, and the radius of its transparent rounded corners
    (its last ``r-`` wins): drawn after its own steps, not painted with bg as on the base."""
    plan = _parse_steps(steps)
    if plan.representations:
        raise invalid("sr (streaming resolutions) cannot be used inside l-video")
    radius = next((step.radius for step in reversed(plan.steps) if step.radius is not None), None)
    cleared = tuple(replace(step, radius=None) for step in plan.steps)
    return replace(plan, steps=tuple(step for step in cleared if not step.is_identity)), radius


def _parse_steps(raw_steps: tuple[RawStep, ...], for_thumbnail: bool = False) -> VideoPlan:
    plan = VideoPlan()
    steps: list[Geometry] = []
    extra: list[str] = []
    for raw_step in raw_steps:
        geometry = Geometry()
        step_extra: list[str] = []
        for item in raw_step:
            if for_thumbnail and not (isinstance(item, RawParam) and item.key == "so"):
                step_extra.append(item_text(item))
                continue
            if isinstance(item, RawLayer):
                layers = (*geometry.layers, video_layer(item, _layer_plan))
                geometry = replace(geometry, layers=layers)
                continue
            if isinstance(item, RawConditional):
                if len(raw_step) != 1:
                    raise invalid("a step holding an 'if' block may hold nothing else")
                geometry = Geometry(branch=_branch(item))
                continue
            plan, geometry = _apply(plan, geometry, item)
        if not geometry.is_identity:
            steps.append(geometry)
        if step_extra:
            extra.append(",".join(step_extra))
    return replace(plan, steps=tuple(steps), extra=tuple(extra))


def _branch(raw: RawConditional) -> Branch:
    """Both branches hold frame operations and layers only: what applies to the whole output
    (trim, format, codecs, quality, sr) cannot depend on a condition."""
    branches = []
    for steps in (raw.then_steps, raw.else_steps):
        inner = _parse_steps(steps)
        if replace(inner, steps=()) != VideoPlan():
            raise invalid(
                f"if-{raw.condition}: only frame operations and layers may be inside an 'if' "
                "block on videos (not so, eo, du, f, vc, ac, q, sr)"
            )
        branches.append(inner.steps)
    return Branch(parse_condition(raw.condition), branches[0], branches[1])


def _apply(plan: VideoPlan, step: Geometry, param: RawParam) -> tuple[VideoPlan, Geometry]:
    key, value = param.key, param.value
    if key in ("w", "h"):
        size = _positive(value, key)
        return plan, replace(step, width=size) if key == "w" else replace(step, height=size)
    if key == "ar":
        parts = (value or "").split("-")
        if len(parts) != 2:
            raise invalid(f"ar-{value}: expected ar-<width>-<height>")
        return plan, replace(step, aspect=(_positive(parts[0], key), _positive(parts[1], key)))
    if key == "c":
        return plan, replace(step, crop=_choice(value, CROPS, key))
    if key == "cm":
        return plan, replace(step, crop_mode=_choice(value, CROP_MODES, key))
    if key == "bg":
        return plan, replace(step, background=parse_colour(value or "", "bg"))
    if key == "rt":
        angle = int(_number(value, key))
        if angle % 90:
            raise unsupported("rt on videos takes 0, 90, 180, 270 (or negative multiples)")
        return plan, replace(step, rotation=angle % 360)
    if key == "r":
        if value == "max":
            return plan, replace(step, radius=-1.0)
        return plan, replace(step, radius=_positive(value, key))
    if key == "b":
        width, _, colour = (value or "").partition("_")
        return plan, replace(step, border=(int(_positive(width, key)), parse_colour(colour, "b")))
    if key in _TIME_KEYS:
        moment = time_expression(value, key)
        if key == "so":
            return replace(plan, start=moment), step
        if key == "eo":
            return replace(plan, end=moment), step
        return replace(plan, duration=moment), step
    if key == "f":
        return replace(plan, format=_choice(value, FORMATS, key)), step
    if key == "vc":
        return replace(plan, video_codec=_choice(value, VIDEO_CODECS, key)), step
    if key == "ac":
        if value != "none":
            raise unsupported(f"ac-{value}: only ac-none is supported")
        return replace(plan, audio=False), step
    if key == "q":
        quality = int(_number(value, key))
        if not 1 <= quality <= 100:
            raise invalid(f"q-{value}: quality is 1-100")
        return replace(plan, quality=quality), step
    if key == "sr":
        heights = tuple(sorted({int(_positive(part, key)) for part in (value or "").split("_")}))
        return replace(plan, representations=heights), step
    if key.startswith("e-"):
        raise unsupported(
            f"{param.text()}: ImageKit's effects (e-) apply to images only, not to videos"
        )
    raise unsupported(f"{param.text()} is not supported on videos by this server")


def time_expression(value: str | None, key: str) -> Expression:
    """Seconds (``so-10.55``) or an arithmetic expression of the input duration ``idu``
    (``so-idu_div_2``, ``du-idu_mul_0.2``), as ImageKit's trim docs allow."""
    return expression(value, key, frozenset({"idu"}))


def seconds(expression: Expression, source_duration: float, key: str) -> float:
    value = expression.evaluate({"idu": source_duration}, key)
    if value < 0:
        raise invalid(f"{key}: a time cannot be negative")
    return value


def _number(value: str | None, key: str) -> float:
    return number_of(value, key)


def _positive(value: str | None, key: str) -> float:
    number = _number(value, key)
    if number <= 0:
        raise invalid(f"{key}-{value}: must be positive")
    return number


def _choice(value: str | None, allowed: frozenset[str], key: str) -> str:
    if value not in allowed:
        raise invalid(f"{key}-{value}: expected one of {', '.join(sorted(allowed))}")
    return value


__all__ = ["Geometry", "TransformationError", "VideoPlan", "parse_video_plan"]
