"""Render the layers of a step onto the image (docs/reference/layers.md §1.3, §3, §4, §6)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pyvips

from imagekit_server.imaging.bands import as_colour_image, with_alpha
from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.imaging.expressions import Expression, round_half_up
from imagekit_server.imaging.geometry import anchor_offset
from imagekit_server.imaging.layers_text import render_text
from imagekit_server.imaging.loading import SourceInfo, inspect_source, load_full
from imagekit_server.imaging.plan import Layer, Offset, Step
from imagekit_server.imaging.trim import trim

if TYPE_CHECKING:
    from imagekit_server.imaging.pipeline import ChainContext

DEFAULT_LAYER_TRIM = 10
_BLEND_MODES = {
    None: "over",
    "multiply": "multiply",
    "cutout": "dest-out",
    "cutter": "dest-in",
    "displace": "over",  # not used: displacement is a remap, see _displace
}


def paint_layers(image: Any, step: Step, context: ChainContext) -> Any:
    """Composite each layer of ``step`` in order; each sees the earlier ones already drawn."""
    for layer in step.layers:
        context.check_deadline()
        image = _paint(image, layer, context)
    return image


def _paint(base: Any, layer: Layer, context: ChainContext) -> Any:
    overlay, original = _layer_image(layer, (base.width, base.height), context)
    variables = _position_variables(overlay, base, original)
    x, y = layer_position(layer, overlay.width, overlay.height, base.width, base.height, variables)
    if layer.mode == "displace":
        return _displace(base, with_alpha(as_colour_image(overlay)), x, y, _shift(layer, variables))
    return composite(base, overlay, x, y, layer.mode)


def _shift(layer: Layer, variables: dict[str, float]) -> tuple[float, float]:
    """`lm-displace` magnitude: the layer's `x`/`y` in pixels, else 10 % of the layer's size."""
    first = _first_step(layer)
    shift_x = first.x.evaluate(variables, "x") if first.x else variables["cw"] / 10
    shift_y = first.y.evaluate(variables, "y") if first.y else variables["ch"] / 10
    return shift_x, shift_y


def _position_variables(
    overlay: Any, base: Any, original: tuple[int, int] | None
) -> dict[str, float]:
    """Positions are evaluated last: `cw`/`ch` are the layer's final size; `iw`/`ih` exist
    only for image layers (the overlay file's original size)."""
    values: dict[str, float] = {}
    if original is not None:
        values = {"iw": original[0], "ih": original[1], "iar": original[0] / original[1]}
    return values | {
        "cw": overlay.width,
        "ch": overlay.height,
        "car": overlay.width / overlay.height,
        "bw": base.width,
        "bh": base.height,
        "bar": base.width / base.height,
    }


def _layer_context(
    context: ChainContext, source: bytes, info: SourceInfo, parent: tuple[int, int], images: bool
) -> ChainContext:
    return dataclasses.replace(
        context,
        source=source,
        info=info,
        parent=parent,
        image_variables=images,
        single_pass=False,
        focus_point=None,
    )


def _synthetic_info(width: int, height: int) -> SourceInfo:
    return SourceInfo("png", width, height, 1, True)


def _first_step(layer: Layer) -> Step:
    first = layer.steps[0] if layer.steps else Step()
    return first if isinstance(first, Step) else Step()


def _layer_image(
    layer: Layer, parent: tuple[int, int], context: ChainContext
) -> tuple[Any, tuple[int, int] | None]:
    """The rendered layer, and the original size of its file (None for text and blocks)."""
    from imagekit_server.imaging.pipeline import run_chain

    first = _first_step(layer)
    rest = layer.steps[1:]
    if layer.kind == "text":
        layer_context = _layer_context(context, b"", _synthetic_info(*parent), parent, False)
        variables = layer_context.variables(*parent)
        background = first.background.colour if first.background else None
        image = render_text(
            layer,
            first.width,
            background,
            variables,
            context.load_image,
            context.limits.font_directory,
        )
        cleared = dataclasses.replace(first, width=None, background=None)
        return run_chain((cleared, *rest), layer_context, image), None
    if layer.is_canvas:
        layer_context = _layer_context(context, b"", _synthetic_info(*parent), parent, False)
        image = _canvas(layer, first, layer_context, parent)
        cleared = dataclasses.replace(first, width=None, height=None, background=None)
        return run_chain((cleared, *rest), layer_context, image), None
    data = _load_overlay(layer.source, context)
    info = inspect_source(data, context.limits)
    layer_context = _layer_context(context, data, info, parent, True)
    image = load_full(
        data, first.page, None, info.format, limits=context.limits, deadline=context.deadline
    )
    if first.trim is None:
        image = trim(image, DEFAULT_LAYER_TRIM)
    return run_chain(layer.steps, layer_context, image), (info.width, info.height)


def _load_overlay(path: str, context: ChainContext) -> bytes:
    if context.load_image is None:
        raise TransformationError(404, "ENOENT", f"layer image '{path}' is not available")
    try:
        return context.load_image(path)
    except (LookupError, FileNotFoundError):
        raise TransformationError(404, "ENOENT", f"layer image '{path}' not found") from None


def _canvas(layer: Layer, step: Step, context: ChainContext, parent: tuple[int, int]) -> Any:
    """A solid block (`ik_canvas`): `w`/`h` default to the parent size (proposed)."""
    variables = context.variables(*parent)
    width = round_half_up(step.width.evaluate(variables, "w")) if step.width else parent[0]
    height = round_half_up(step.height.evaluate(variables, "h")) if step.height else parent[1]
    context.limits.check_output_size(max(width, 1), max(height, 1))
    colour = Colour(0, 0, 0, 0) if step.gradient else Colour(255, 255, 255)
    if step.background is not None and step.background.colour is not None:
        colour = step.background.colour
    if layer.alpha_level is not None and not colour.has_opacity_digits and not colour.named:
        colour = colour.with_alpha(round(255 * layer.alpha_level / 10))
    block = pyvips.Image.black(max(width, 1), max(height, 1)).new_from_image(colour.rgba)
    return block.cast("uchar").copy(interpretation="srgb")


def _coordinate(
    offset: Offset | None,
    centre: Expression | None,
    origin: int | None,
    size: int,
    parent: int,
    variables: dict[str, float],
    key: str,
) -> int:
    """``origin``: the `lap` anchor point; without it `N` values count from the far edge."""
    if offset is not None:
        value = round_half_up(offset.value.evaluate(variables, key))
        if offset.from_far_edge:
            return parent - size - value if origin is None else origin - value
        return (origin or 0) + value
    origin = origin or 0
    if centre is not None:
        return origin + round_half_up(centre.evaluate(variables, key + "c")) - size // 2
    return origin


def layer_position(
    layer: Layer, width: int, height: int, parent_width: int, parent_height: int, variables: Any
) -> tuple[int, int]:
    """Top-left of the layer on its parent; literal positions are pulled back inside."""
    explicit = any(v is not None for v in (layer.x, layer.y, layer.x_centre, layer.y_centre))
    if not explicit:
        return anchor_offset(layer.focus, parent_width - width, parent_height - height)
    origin_x: int | None = None
    origin_y: int | None = None
    if layer.anchor_point is not None:
        origin_x, origin_y = anchor_offset(layer.anchor_point, parent_width, parent_height)
    x = _coordinate(layer.x, layer.x_centre, origin_x, width, parent_width, variables, "lx")
    y = _coordinate(layer.y, layer.y_centre, origin_y, height, parent_height, variables, "ly")
    return min(x, max(0, parent_width - width)), min(y, max(0, parent_height - height))


def composite(base: Any, overlay: Any, x: int, y: int, mode: str | None) -> Any:
    base_had_alpha = base.hasalpha()
    base = as_colour_image(base)
    overlay = with_alpha(as_colour_image(overlay))
    if mode in {"cutout", "cutter"}:
        base = with_alpha(base)
    result = base.composite2(overlay, _BLEND_MODES[mode], x=x, y=y).cast("uchar")
    if mode == "cutter":
        left, top = max(x, 0), max(y, 0)
        right = min(x + overlay.width, result.width)
        bottom = min(y + overlay.height, result.height)
        if right > left and bottom > top:
            result = result.crop(left, top, right - left, bottom - top)
    if not base_had_alpha and mode in {None, "multiply"}:
        result = result.extract_band(0, n=3)
    return result


def _displace(base: Any, overlay: Any, x: int, y: int, shift: tuple[float, float]) -> Any:
    """Red/green of the layer (128 = none) shift base pixels by up to ``shift`` pixels."""
    base = as_colour_image(base)
    shift_x, shift_y = shift
    red = (overlay[0].cast("float") - 128) / 128 * shift_x
    green = (overlay[1].cast("float") - 128) / 128 * shift_y
    offsets = red.bandjoin(green).embed(x, y, base.width, base.height)
    index = pyvips.Image.xyz(base.width, base.height) + offsets
    return base.mapim(index, extend="copy").cast("uchar")
