"""Generated source images for imaging tests, and helpers to decode rendered output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyvips

from imagekit_server.imaging import Rendered


def quadrants(width: int = 1000, height: int = 750) -> Any:
    """Opaque sRGB image: red top-left, green top-right, blue bottom-left, white bottom-right."""
    half_w, half_h = width // 2, height // 2

    def block(w: int, h: int, colour: list[int]) -> Any:
        return (pyvips.Image.black(w, h) + colour).cast("uchar")

    top = block(half_w, half_h, [255, 0, 0]).join(
        block(width - half_w, half_h, [0, 255, 0]), "horizontal"
    )
    bottom = block(half_w, height - half_h, [0, 0, 255]).join(
        block(width - half_w, height - half_h, [255, 255, 255]), "horizontal"
    )
    return top.join(bottom, "vertical").copy(interpretation="srgb")


def jpeg(image: Any, quality: int = 95) -> bytes:
    return bytes(image.jpegsave_buffer(Q=quality, subsample_mode="off"))


def png(image: Any) -> bytes:
    return bytes(image.pngsave_buffer())


def transparent_square(size: int = 200, inner: int = 100) -> Any:
    """RGBA: a centred opaque red square on a fully transparent canvas."""
    red = [255, 0, 0, 255]
    square = pyvips.Image.black(inner, inner).new_from_image(red).cast("uchar")
    canvas = (pyvips.Image.black(size, size, bands=4)).cast("uchar")
    offset = (size - inner) // 2
    return canvas.insert(square, offset, offset).copy(interpretation="srgb")


def decode(rendered: Rendered) -> Any:
    image = pyvips.Image.new_from_buffer(rendered.data, "")
    assert (image.width, image.height) == (rendered.width, rendered.height)
    return image


def close(pixel: Sequence[float], expected: Sequence[float], tolerance: float = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=False))
