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


XLINK = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def nested_uses(levels: int, fan: int, size: int) -> bytes:
    """Each level instances the one below ``fan`` times: ``fan ** levels`` full-canvas shapes."""
    parts = [
        f'<svg {XLINK} width="{size}" height="{size}"><defs>'
        f'<rect id="l0" width="{size}" height="{size}" fill="red" fill-opacity="0.5"/>'
    ]
    for level in range(1, levels):
        uses = f'<use xlink:href="#l{level - 1}"/>' * fan
        parts.append(f'<g id="l{level}">{uses}</g>')
    parts.append(f'</defs><use xlink:href="#l{levels - 1}"/></svg>')
    return "".join(parts).encode()


# 100,000 full-canvas shapes in 1.4 KB: hours of librsvg.
LAUGHS = nested_uses(6, 10, 1000)
