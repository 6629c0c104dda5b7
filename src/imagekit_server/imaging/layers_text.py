"""Text layers: Pango markup rendered by libvips, coloured, padded and boxed
(docs/reference/layers.md §5)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyvips

from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.errors import TransformationError, invalid, limit_exceeded
from imagekit_server.imaging.expressions import Expression, round_half_up
from imagekit_server.imaging.font_files import family_name, is_font_path, stored_font_file
from imagekit_server.imaging.plan import Layer, TextStyle

MAX_TEXT_BOX = 16_383
_ALIGN = {"left": "low", "center": "centre", "right": "high"}
# Built-in ImageKit families; rendered with the closest generic family fontconfig offers.
BUILT_IN_FAMILIES = {
    name.lower(): generic
    for generic, names in {
        "sans": [
            "Amaranth", "Audiowide", "Chivo", "exo", "Fredoka One", "Kanit", "Lato", "Montserrat",
            "Open Sans", "Roboto", "Ubuntu",
        ],
        "serif": [
            "AbrilFatFace", "Arvo", "Crimson Text", "Gravitas One", "Lobster", "Lora", "Monoton",
            "PT_Serif", "Old Standard", "Vollkorn",
        ],
        "monospace": ["PT Mono"],
    }.items()
    for name in names
}  # fmt: skip


def _pixels(expression: Expression, variables: Mapping[str, float], key: str) -> int:
    value = round_half_up(expression.evaluate(variables, key))
    if value <= 0:
        raise invalid(f"'{key}' must be greater than 0")
    return value


def _markup(text: str, style: TextStyle) -> str:
    markup = html.escape(text, quote=False)
    if style.bold:
        markup = f"<b>{markup}</b>"
    if style.italic:
        markup = f"<i>{markup}</i>"
    if style.strikethrough:
        markup = f"<s>{markup}</s>"
    return markup


FontLoader = Callable[[str], bytes]


def _font(
    style: TextStyle, load_font: FontLoader | None, font_directory: Path | None
) -> tuple[str, str | None]:
    """Pango family name and, for a custom font, the font file to register."""
    if style.family is None:
        return "sans", None
    if is_font_path(style.family):
        path = style.family.replace("@@", "/").strip("/")
        if load_font is None or font_directory is None:
            raise TransformationError(404, "ENOENT", f"font '{path}' is not available")
        try:
            font = load_font(path)
        except (LookupError, FileNotFoundError):
            raise TransformationError(404, "ENOENT", f"font '{path}' not found") from None
        return family_name(font), str(stored_font_file(font, font_directory))
    generic = BUILT_IN_FAMILIES.get(style.family.lower())
    if generic is None:
        raise invalid(f"'ff' names an unknown font '{style.family}'")
    return generic, None


def text_colour(style: TextStyle, alpha_level: int | None) -> Colour:
    """An `ff`-style 8-digit colour keeps its own alpha; `al` applies to plain hex only."""
    colour = style.colour
    if alpha_level is not None and not colour.has_opacity_digits and not colour.named:
        return colour.with_alpha(round(255 * alpha_level / 10))
    return colour


def _padding(style: TextStyle, variables: Mapping[str, float]) -> tuple[int, int, int, int]:
    """CSS order: top, right, bottom, left."""
    values = [max(0, round_half_up(p.evaluate(variables, "pa"))) for p in style.padding]
    if not values:
        return 0, 0, 0, 0
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    if len(values) == 3:
        return values[0], values[1], values[2], values[1]
    return values[0], values[1], values[2], values[3]


def render_text(
    layer: Layer,
    max_width: Expression | None,
    background: Colour | None,
    variables: Mapping[str, float],
    load_font: FontLoader | None = None,
    font_directory: Path | None = None,
) -> Any:
    """An RGBA image of the text box: padded text on the optional background colour."""
    assert layer.text is not None
    style = layer.text
    size = _pixels(style.size, variables, "fs")
    top, right, bottom, left = _padding(style, variables)
    family, font_file = _font(style, load_font, font_directory)
    options: dict[str, Any] = {
        "font": f"{family} {size}",
        "dpi": 72,
        "align": _ALIGN[style.align],
        "wrap": "word",
    }
    if max_width is not None:
        options["width"] = max(1, _pixels(max_width, variables, "w") - left - right)
    if font_file is not None:
        options["fontfile"] = font_file
    if style.line_height is not None:
        options["spacing"] = max(0, round_half_up(style.line_height.evaluate(variables, "lh")))
    if size > MAX_TEXT_BOX:
        raise limit_exceeded(f"text layers are limited to {MAX_TEXT_BOX} px")
    mask = pyvips.Image.text(_markup(layer.source, style), **options)
    width, height = mask.width + left + right, mask.height + top + bottom
    if width > MAX_TEXT_BOX or height > MAX_TEXT_BOX:
        raise limit_exceeded(f"text layers are limited to {MAX_TEXT_BOX} px")
    colour = text_colour(style, layer.alpha_level)
    alpha = (mask * (colour.alpha / 255)).cast("uchar")
    ink = mask.new_from_image(colour.rgb).cast("uchar").bandjoin(alpha)
    ink = ink.copy(interpretation="srgb").embed(left, top, width, height)
    if background is None:
        return ink
    box = ink.new_from_image(background.rgba).cast("uchar").copy(interpretation="srgb")
    return box.composite2(ink, "over").cast("uchar")
