"""Draw subtitle cues as RGBA pictures (subtitles.py has the style and the cues).

PyAV's FFmpeg has no libass (no ``subtitles``/``ass`` filter) and no ``drawtext``, so each cue's
text is rendered by the image engine's text layer code (``render_text``: the fonts, ``ff`` and
``tg`` of text layers), given its outline, shadow and background box here, and overlaid at the
bottom centre during the cue (render.py). Runs on the imaging threads of the server process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
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
            pixels = _cue(cue.text, style, size, outline, width, load_font, font_directory)
            box_height, box_width = pixels.shape[:2]
            x = max(0, (width - box_width) // 2)
            y = max(0, height - margin - box_height)
            drawn[cue.text] = (_png(pixels), x, y)
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
) -> np.ndarray:
    """The cue's box as RGBA pixels: background, shadow, outline, then the text."""
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
    image = render_text(layer, limit, None, names, load_font, font_directory)
    ink = _array(image)
    thickness, outline_colour = outline
    shift = style.shadow[1] if style.shadow else 0
    pad = max(2, round(size * 0.15))
    border = thickness + pad
    box = np.zeros((ink.shape[0] + 2 * border + shift, ink.shape[1] + 2 * border + shift, 4))
    if style.background is not None:
        _fill(box, style.background, np.ones(box.shape[:2]))
    alpha = np.zeros(box.shape[:2])
    alpha[border : border + ink.shape[0], border : border + ink.shape[1]] = ink[..., 3] / 255
    grown = _grow(alpha, thickness)
    if style.shadow is not None and shift:
        shadow = np.zeros_like(grown)
        shadow[shift:, shift:] = grown[:-shift, :-shift]
        _fill(box, style.shadow[0], shadow)
    if thickness:
        _fill(box, outline_colour, grown)
    glyphs = np.zeros_like(box)
    glyphs[border : border + ink.shape[0], border : border + ink.shape[1]] = ink
    _over(box, glyphs[..., :3], glyphs[..., 3] / 255)
    return np.clip(box, 0, 255).astype(np.uint8)


def _array(image: Any) -> np.ndarray:
    data = image.cast("uchar").write_to_memory()
    return np.ndarray(
        buffer=data, dtype=np.uint8, shape=(image.height, image.width, image.bands)
    ).astype(np.float64)


def _grow(alpha: np.ndarray, radius: int) -> np.ndarray:
    """The alpha dilated by a disc of ``radius`` pixels (the outline's extent)."""
    grown = alpha.copy()
    height, width = alpha.shape
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if (dx or dy) and dx * dx + dy * dy <= radius * radius + radius:
                shifted = np.zeros_like(alpha)
                shifted[max(0, dy) : height + min(0, dy), max(0, dx) : width + min(0, dx)] = alpha[
                    max(0, -dy) : height - max(0, dy), max(0, -dx) : width - max(0, dx)
                ]
                np.maximum(grown, shifted, out=grown)
    return grown


def _fill(box: np.ndarray, colour: Any, coverage: np.ndarray) -> None:
    """Paint ``colour`` over ``box`` where ``coverage`` (0..1) says, with its own alpha."""
    rgb = np.array([colour.red, colour.green, colour.blue], np.float64)
    _over(box, np.broadcast_to(rgb, (*box.shape[:2], 3)), coverage * colour.alpha / 255)


def _over(box: np.ndarray, rgb: np.ndarray, alpha: np.ndarray) -> None:
    """Porter-Duff "over" of un-premultiplied ``rgb``/``alpha`` onto ``box`` (RGBA 0..255)."""
    below = box[..., 3] / 255
    out = alpha + below * (1 - alpha)
    safe = np.where(out > 0, out, 1)
    for band in range(3):
        box[..., band] = (rgb[..., band] * alpha + box[..., band] * below * (1 - alpha)) / safe
    box[..., 3] = out * 255


def _png(pixels: np.ndarray) -> bytes:
    image = pyvips.Image.new_from_array(np.ascontiguousarray(pixels)).copy(interpretation="srgb")
    data: bytes = image.pngsave_buffer(compression=1)
    return data
