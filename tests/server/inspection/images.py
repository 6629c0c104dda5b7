"""Generated test images: structured pixels so that decoding and hashing are really exercised."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pyvips


def structured_image(seed: int, width: int = 320, height: int = 240) -> pyvips.Image:
    """RGB gradients with a rectangle, a disc and seeded noise; ``seed`` moves the shapes."""
    xy = pyvips.Image.xyz(width, height)
    across = (xy[0] * 255 / width).cast("uchar")
    down = (xy[1] * 255 / height).cast("uchar")
    image = across.bandjoin([down, across])
    image = image.draw_rect(
        [255, 0, 0],
        width // 6 + seed * 37 % (width // 3),
        height // 6,
        width // 3,
        height // 3,
        fill=True,
    )
    image = image.draw_circle(
        [0, 0, 255],
        width * 2 // 3,
        height * 2 // 3 - seed * 13 % (height // 5),
        height // 5,
        fill=True,
    )
    noise = pyvips.Image.gaussnoise(width, height, sigma=20, mean=0, seed=seed)
    return (image + noise).cast("uchar")


def solid_image(width: int, height: int, colour: list[int]) -> pyvips.Image:
    """A single-colour image with ``len(colour)`` bands."""
    return (pyvips.Image.black(width, height, bands=len(colour)) + colour).cast("uchar")


def write(image: pyvips.Image, path: Path, **options: object) -> Path:
    image.write_to_file(str(path), **options)
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(path: Path, width: int, height: int) -> Path:
    """A few hundred bytes of PNG whose header declares ``width`` x ``height`` RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (3 * width + 1) * 2)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )
    return path


def jpeg_with_declared_size(source: bytes, width: int, height: int) -> bytes:
    """``source`` (a baseline or progressive JPEG) with its SOF header rewritten to a new size."""
    data = bytearray(source)
    offset = 2
    while offset + 4 <= len(data):
        marker = data[offset + 1]
        length = int.from_bytes(data[offset + 2 : offset + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            data[offset + 5 : offset + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        offset += 2 + length
    raise ValueError("no SOF segment")
