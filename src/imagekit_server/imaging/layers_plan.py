"""Parse `l-<type>,...,l-end` blocks into typed layers (docs/reference/layers.md §1-7)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable

from imagekit_server.imaging.colours import parse_colour
from imagekit_server.imaging.errors import invalid, unsupported
from imagekit_server.imaging.expressions import Expression
from imagekit_server.imaging.parameters import ParseContext
from imagekit_server.imaging.plan import CANVAS, Layer, Offset, StepNode, TextStyle
from imagekit_server.imaging.syntax import RawLayer, RawParam, RawStep
from imagekit_server.imaging.values import (
    ANCHORS,
    anchor,
    number,
    number_or_expression,
    require,
)

MAX_TEXT = 2000
POSITION_KEYS = frozenset({"lx", "ly", "lxc", "lyc", "lfo", "lap", "lm"})
INPUT_KEYS = frozenset({"i", "ie"})
TEXT_KEYS = frozenset({"fs", "ff", "co", "ia", "pa", "al", "tg", "lh"})
LAYER_MODES = frozenset({"multiply", "cutout", "cutter", "displace"})
StepBuilder = Callable[[RawStep, ParseContext, int], StepNode]


def _offset(value: str | None, key: str) -> Offset:
    text = require(value, key)
    if text.startswith("N"):
        return Offset(Expression.literal(number(text[1:], key)), from_far_edge=True)
    return Offset(number_or_expression(text, key, in_layer=True))


def _decode_input(encoded: str) -> str:
    text = encoded.replace(" ", "+")
    text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("'ie' is not valid base64 UTF-8") from None


def _source(params: dict[str, str | None], kind: str) -> str:
    if params.get("ie"):
        source = _decode_input(params["ie"] or "")
    elif params.get("i"):
        source = params["i"] or ""
    else:
        raise invalid(f"l-{kind} needs an input ('i' or 'ie')")
    if kind == "text":
        return source[:MAX_TEXT]
    if "://" in source:
        raise unsupported("layer input from an absolute URL is not supported")
    return source.replace("@@", "/").strip("/")


def _text_style(params: dict[str, str | None]) -> TextStyle:
    style = TextStyle()
    size = style.size
    if params.get("fs") is not None:
        size = number_or_expression(params["fs"], "fs", in_layer=True)
    colour = parse_colour(params.get("co") or "", "co") if params.get("co") else style.colour
    align = params.get("ia") or "center"
    if align not in {"left", "right", "center"}:
        raise invalid(f"'ia' expects left, right or center, got '{align}'")
    flags = set((params.get("tg") or "").split("_")) - {""}
    if flags - {"b", "i", "strikethrough"}:
        raise invalid("'tg' expects b, i, strikethrough joined with _")
    padding: tuple[Expression, ...] = ()
    if params.get("pa"):
        padding = _padding(params["pa"] or "")
    line_height = None
    if params.get("lh"):
        line_height = number_or_expression(params["lh"], "lh", in_layer=True)
    return TextStyle(
        size=size,
        family=params.get("ff"),
        colour=colour,
        align=align,
        bold="b" in flags,
        italic="i" in flags,
        strikethrough="strikethrough" in flags,
        padding=padding,
        line_height=line_height,
    )


def _padding(text: str) -> tuple[Expression, ...]:
    expression = number_or_expression(text.split("_")[0], "pa", in_layer=True)
    if not expression.is_literal:
        return (number_or_expression(text, "pa", in_layer=True),)
    parts = text.split("_")
    if len(parts) > 4:
        raise invalid("'pa' expects one to four values")
    return tuple(Expression.literal(number(part, "pa")) for part in parts)


def _take_layer_params(
    steps: tuple[RawStep, ...], kind: str
) -> tuple[dict[str, str | None], list[RawStep]]:
    """Pull input, position and text keys out of every step of the layer."""
    own = INPUT_KEYS | POSITION_KEYS | (TEXT_KEYS if kind == "text" else frozenset({"al"}))
    params: dict[str, str | None] = {}
    remaining: list[RawStep] = []
    for step in steps:
        kept = []
        for item in step:
            if isinstance(item, RawParam) and item.key in own:
                params[item.key] = item.value
            else:
                kept.append(item)
        remaining.append(tuple(kept))
    return params, [step for step in remaining if step] or [()]


def parse_layer(raw: RawLayer, depth: int, build_step: StepBuilder, parent: ParseContext) -> Layer:
    kind = raw.kind
    if kind in {"video", "subtitles", "subtitle"}:
        raise unsupported(f"l-{kind} (video) is not supported by this server")
    if kind not in {"image", "text"}:
        raise invalid(f"unknown layer type 'l-{kind}'")
    params, steps = _take_layer_params(raw.steps, kind)
    source = _source(params, kind)
    context = dataclasses.replace(parent, layer_kind="canvas" if source == CANVAS else kind)
    built = tuple(build_step(step, context, depth) for step in steps)
    mode = params.get("lm")
    if mode is not None and mode not in LAYER_MODES:
        raise invalid(f"'lm' has an unknown layer mode '{mode}'")
    alpha = params.get("al")
    return Layer(
        kind=kind,
        source=source,
        steps=built,
        x=_offset(params["lx"], "lx") if params.get("lx") is not None else None,
        y=_offset(params["ly"], "ly") if params.get("ly") is not None else None,
        x_centre=_centre(params, "lxc"),
        y_centre=_centre(params, "lyc"),
        focus=anchor(params["lfo"], "lfo") if params.get("lfo") is not None else "center",
        anchor_point=_anchor_point(params.get("lap")),
        mode=mode,
        alpha_level=_alpha_level(alpha) if alpha is not None else None,
        text=_text_style(params) if kind == "text" else None,
    )


def _centre(params: dict[str, str | None], key: str) -> Expression | None:
    if params.get(key) is None:
        return None
    return number_or_expression(params[key], key, in_layer=True)


def _anchor_point(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in ANCHORS:
        raise invalid(f"'lap' has an invalid anchor '{value}'")
    return value


def _alpha_level(value: str) -> int:
    if value not in {str(level) for level in range(1, 10)}:
        raise invalid("'al' expects a level from 1 to 9")
    return int(value)
