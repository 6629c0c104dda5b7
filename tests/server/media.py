"""Images generated for server tests, and reading pixels back."""

from __future__ import annotations

import pyvips


def solid_image(width: int, height: int, rgb: tuple[int, int, int], fmt: str = ".png") -> bytes:
    image = pyvips.Image.black(width, height).new_from_image(list(rgb)).cast("uchar")
    data: bytes = image.write_to_buffer(fmt)
    return data


def two_colour_png(width: int, height: int) -> bytes:
    """Left half red, right half blue: a file whose pixels prove it is the one we stored."""
    left = pyvips.Image.black(width // 2, height).new_from_image([255, 0, 0]).cast("uchar")
    right = pyvips.Image.black(width - width // 2, height).new_from_image([0, 0, 255])
    data: bytes = left.join(right.cast("uchar"), "horizontal").write_to_buffer(".png")
    return data


def decode(data: bytes) -> pyvips.Image:
    return pyvips.Image.new_from_buffer(data, "")


def pixel(data: bytes, x: int, y: int) -> list[float]:
    values: list[float] = decode(data)(x, y)
    return values
