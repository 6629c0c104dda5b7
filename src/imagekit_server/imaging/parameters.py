"""Core parameters: what each key means, as typed `Step` field values
(docs/reference/transformations.md §3-4).

Every handler takes the raw value (None for a bare key) and the parse context, and returns the
`Step` fields it sets. Effects live in ``effect_parameters``; layer-only keys in ``layers_plan``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imagekit_server.imaging.colours import is_colour, parse_colour
from imagekit_server.imaging.errors import invalid, unsupported
from imagekit_server.imaging.expressions import Expression, parse_number
from imagekit_server.imaging.plan import Border, OutputOptions, Radius
from imagekit_server.imaging.values import (
    ANCHORS,
    boolean,
    clamp,
    number,
    number_or_expression,
    require,
    signed_number,
)

MAX_URL_DIMENSION = 65_535
CROPS = frozenset(
    {"maintain_ratio", "maintain_ratio_no_enlarge", "force", "at_max", "at_max_enlarge", "at_least"}
)
CROP_MODES = frozenset(
    {"pad_resize", "pad_resize_no_enlarge", "extract", "pad_extract", "pad_extract_no_shrink"}
)
FORMATS = frozenset({"auto", "jpg", "jpeg", "png", "webp", "avif", "gif", "orig"})
# `fo-car`, `fo-traffic_light`, `fo-person_dog`: lower-case words joined by "_"
_OBJECT_NAMES = re.compile(r"[a-z]{1,32}(?:_[a-z]{1,32}){0,7}")


@dataclass(frozen=True)
class ParseContext:
    """Where a parameter appears: on the base image or inside a layer of some kind."""

    layer_kind: str | None = None
    ignore_unsupported: bool = False  # drop AI/video keys instead of failing (x-ik-ignored)
    ignored: list[str] = field(default_factory=list, compare=False)  # shared by nested contexts

    @property
    def in_layer(self) -> bool:
        return self.layer_kind is not None


Fields = dict[str, Any]
Handler = Callable[[str | None, ParseContext], Fields]


def _size(key: str, field: str) -> Handler:
    def handle(value: str | None, context: ParseContext) -> Fields:
        text = require(value, key)
        if text == "auto" and key == "w":
            return {"width_auto": True}
        expression = number_or_expression(text, key, in_layer=context.in_layer)
        if expression.is_literal:
            literal = expression.literal_value
            if literal <= 0:
                raise invalid(f"'{key}' must be greater than 0")
            if literal > MAX_URL_DIMENSION:
                return {}  # documented: oversized dimensions are ignored
        return {field: expression}

    return handle


def _aspect_ratio(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "ar")
    for separator in ("-", "_"):
        left, found, right = text.partition(separator)
        if found and left.replace(".", "", 1).isdigit():
            ratio = parse_number(left, "ar") / _positive(parse_number(right, "ar"), "ar")
            return {"aspect_ratio": Expression.literal(_positive(ratio, "ar"))}
    expression = number_or_expression(text, "ar", in_layer=context.in_layer)
    if expression.is_literal:
        _positive(expression.literal_value, "ar")
    return {"aspect_ratio": expression}


def _positive(value: float, key: str) -> float:
    if value <= 0:
        raise invalid(f"'{key}' must be greater than 0")
    return value


def _dpr(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "dpr")
    if text == "auto":
        return {"dpr_auto": True}
    expression = number_or_expression(text, "dpr", in_layer=context.in_layer)
    if expression.is_literal:
        expression = Expression.literal(clamp(expression.literal_value, 0.1, 5.0))
    return {"dpr": expression}


def _crop(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "c")
    if text in {"pad_resize", "extract", "pad_extract"}:
        return {"crop_mode": text}  # lenient alias used in one ImageKit example
    if text not in CROPS:
        raise invalid(f"'c' has an unknown crop strategy '{text}'")
    return {"crop": text}


def _crop_mode(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "cm")
    if text not in CROP_MODES:
        raise invalid(f"'cm' has an unknown crop mode '{text}'")
    return {"crop_mode": text}


def _focus(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "fo")
    if text in ANCHORS or text in {"auto", "custom", "face"}:
        return {"focus": text}
    if _OBJECT_NAMES.fullmatch(text):
        return {"focus": text}  # objects: the detection model's classes decide (objects.py)
    raise invalid(f"'fo' has an invalid focus '{text}'")


def _coordinate(key: str) -> Handler:
    def handle(value: str | None, context: ParseContext) -> Fields:
        return {key: number_or_expression(value, key, in_layer=context.in_layer)}

    return handle


def _zoom(value: str | None, context: ParseContext) -> Fields:
    return {"zoom": _positive(number(value, "z"), "z")}


def _output(**options: Any) -> Fields:
    return {"output": OutputOptions(**options)}


def _format(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "f")
    if text not in FORMATS:
        if text in {"svg", "mp4", "webm"}:
            raise unsupported(f"f-{text} is not supported by this server")
        raise invalid(f"'f' has an unknown format '{text}'")
    return _output(format="jpg" if text == "jpeg" else text)


def _quality(value: str | None, context: ParseContext) -> Fields:
    return _output(quality=round(clamp(number(value, "q"), 1, 100)))


def _flag_option(key: str, option: str) -> Handler:
    def handle(value: str | None, context: ParseContext) -> Fields:
        return _output(**{option: boolean(value, key)})

    return handle


def _trim(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "t")
    if text in {"true", "false"}:
        return {"trim": 10 if text == "true" else 0}
    return {"trim": round(clamp(number(text, "t"), 1, 99))}


def _border(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "b")
    width, separator, colour = text.rpartition("_")
    if not separator:
        width, separator, colour = text.partition("-")  # legacy `b-5-FFF000`
    if not separator or not is_colour(colour):
        raise invalid(f"'b' expects <width>_<colour>, got '{text}'")
    expression = number_or_expression(width, "b", in_layer=context.in_layer)
    return {"border": Border(expression, parse_colour(colour, "b"))}


def _radius(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "r")
    parts = text.split("_")
    if len(parts) not in {1, 4}:
        raise invalid(f"'r' expects one or four values, got '{text}'")
    corners = [None if part == "max" else number(part, "r") for part in parts]
    if len(corners) == 1:
        corners *= 4
    return {"radius": Radius((corners[0], corners[1], corners[2], corners[3]))}


def _rotate(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "rt")
    if text == "auto":
        return {"rotate_auto": True}
    return {"rotate": signed_number(text, "rt") % 360}


def _flip(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "fl")
    if text not in {"h", "v", "h_v", "v_h"}:
        raise invalid(f"'fl' expects h, v or h_v, got '{text}'")
    return {"flip_horizontal": "h" in text, "flip_vertical": "v" in text}


def _blur(value: str | None, context: ParseContext) -> Fields:
    return {"blur": clamp(number(value, "bl"), 0, 100)}


def _opacity(value: str | None, context: ParseContext) -> Fields:
    return {"opacity": clamp(number(value, "o"), 0, 100)}


def _page(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "pg")
    if not re.fullmatch(r"[1-9][0-9]{0,5}", text):
        raise unsupported(f"pg-{text} (page ranges, lists and names) is not supported")
    return {"page": int(text)}


def _density(value: str | None, context: ParseContext) -> Fields:
    return {"density": clamp(number(value, "dn"), 1, 1200)}


def _ignored(value: str | None, context: ParseContext) -> Fields:
    return {}


CORE_HANDLERS: dict[str, Handler] = {
    "w": _size("w", "width"),
    "h": _size("h", "height"),
    "ar": _aspect_ratio,
    "dpr": _dpr,
    "c": _crop,
    "cm": _crop_mode,
    "fo": _focus,
    "x": _coordinate("x"),
    "y": _coordinate("y"),
    "xc": _coordinate("xc"),
    "yc": _coordinate("yc"),
    "z": _zoom,
    "f": _format,
    "q": _quality,
    "lo": _flag_option("lo", "lossless"),
    "pr": _flag_option("pr", "progressive"),
    "md": _flag_option("md", "metadata"),
    "cp": _flag_option("cp", "colour_profile"),
    "t": _trim,
    "b": _border,
    "r": _radius,
    "rt": _rotate,
    "fl": _flip,
    "bl": _blur,
    "o": _opacity,
    "pg": _page,
    "dn": _density,
    "c2pa": _ignored,
}

__all__ = ["CORE_HANDLERS", "Fields", "Handler", "ParseContext", "signed_number"]
