"""Draw subtitle cues as RGBA pictures (subtitles.py has the style and the cues).

PyAV's FFmpeg has no libass (no ``subtitles``/``ass`` filter) and no ``drawtext``, so each cue's
text is rendered by the image engine's text layer code (``render_text``: the fonts, ``ff`` and
``tg`` of text layers), given its outline, shadow and background box here, and overlaid at the
bottom centre during the cue (render.py). Runs on the imaging threads of the server process.
"""

from __future__ import annotations

from math import isqrt
from pathlib import Path
from typing import Any

import pyvips

from imagekit_server.imaging.expressions import Expression
from imagekit_server.imaging.layers_text import FontLoader, render_text
from imagekit_server.imaging.plan import Layer, TextStyle
from imagekit_server.video.outputs import Overlay, Slot
from imagekit_server.video.subtitles import BLACK, Cue, SubtitleStyle

REFERENCE_HEIGHT = 288  # libass's default script height, which FFmpeg's subtitles filter uses


def cue_pictures(
    style: SubtitleStyle,
    cues: tuple[Cue, ...],
    frame: tuple[int, int],
    load_font: FontLoader | None,
    font_directory: Path | None,
) -> Slot:
    """One overlay per cue (a text seen again is drawn once)."""
    width, height = frame
    scale = height / REFERENCE_HEIGHT
    size = style.size or max(8.0, 16 * scale)
    outline = style.outline or (max(1, round(scale)), BLACK)
    margin = round(10 * scale)
    drawn: dict[str, tuple[bytes, int, int]] = {}
    overlays = []
    for cue in cues:
        if cue.text not in drawn:
            picture = _cue(cue.text, style, size, outline, width, load_font, font_directory)
            x = max(0, (width - picture.width) // 2)
            y = max(0, height - margin - picture.height)
            drawn[cue.text] = (_png(picture), x, y)
        png, x, y = drawn[cue.text]
        overlays.append(Overlay(png, x, y, cue=(cue.start, cue.end)))
    return tuple(overlays)


def _cue(
    text: str,
    style: SubtitleStyle,
    size: float,
    outline: tuple[int, Any],
    width: int,
    load_font: FontLoader | None,
    font_directory: Path | None,
) -> Any:
    """The cue's box as an RGBA image: background, shadow, outline, then the text, laid
    "over" one another by libvips (8-bit, in C: a tenth of the time of float arrays)."""
    text_style = TextStyle(
        size=Expression.literal(size),
        family=style.family,
        colour=style.colour,
        bold=style.bold,
        italic=style.italic,
    )
    layer = Layer("text", text, (), text=text_style)
    limit = Expression.literal(max(1, round(width * 0.9)))
    names = {"bw": float(width), "bh": float(size), "bar": 1.0}
    ink = render_text(layer, limit, None, names, load_font, font_directory).cast("uchar")
    thickness, outline_colour = outline
    shift = style.shadow[1] if style.shadow else 0
    border = thickness + max(2, round(size * 0.15))
    box_width = ink.width + 2 * border + shift
    box_height = ink.height + 2 * border + shift
    alpha = ink[3].embed(border, border, box_width, box_height)
    grown = _grow(alpha, thickness)
    layers = []
    if style.background is not None:
        layers.append(_solid(style.background, pyvips.Image.black(box_width, box_height) + 255))
    if style.shadow is not None and shift:
        shadow = grown.embed(shift, shift, box_width, box_height)
        layers.append(_solid(style.shadow[0], shadow))
    if thickness:
        layers.append(_solid(outline_colour, grown))
    layers.append(ink.embed(border, border, box_width, box_height))
    if len(layers) == 1:
        return layers[0]
    return layers[0].composite(layers[1:], ["over"] * (len(layers) - 1)).cast("uchar")


def _grow(alpha: Any, radius: int) -> Any:
    """The alpha dilated by a disc of ``radius`` pixels (the outline's extent): the points
    with dx² + dy² <= r² + r, as the union of the rectangles |dx| <= w(dy), |y| <= dy (w
    shrinks as dy grows): the maximum of one libvips rank filter (a rectangle's maximum) per
    rectangle."""
    if radius <= 0:
        return alpha
    padded = alpha.embed(radius, radius, alpha.width + 2 * radius, alpha.height + 2 * radius)
    grown = None
    for dy in range(radius + 1):
        half = isqrt(radius * radius + radius - dy * dy)
        rectangle = padded.rank(2 * half + 1, 1, 2 * half) if half else padded
        if dy:
            rectangle = rectangle.rank(1, 2 * dy + 1, 2 * dy)
        grown = rectangle if grown is None else grown.maxpair(rectangle)
    assert grown is not None
    return grown.crop(radius, radius, alpha.width, alpha.height)


def _solid(colour: Any, coverage: Any) -> Any:
    """``colour`` with its own alpha where ``coverage`` (0..255) says."""
    plane = coverage.new_from_image([colour.red, colour.green, colour.blue])
    return plane.bandjoin((coverage * (colour.alpha / 255)).cast("uchar")).copy(
        interpretation="srgb"
    )


def _png(image: Any) -> bytes:
    data: bytes = image.copy(interpretation="srgb").pngsave_buffer(compression=1)
    return data
