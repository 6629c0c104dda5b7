"""Test pictures for the extension tests, generated: a product shot on a plain background."""

from __future__ import annotations

import numpy as np
import pyvips

BACKGROUND = (236, 236, 240)
BOX = (200, 30, 30)


def product_shot(width: int = 400, height: int = 300, *, noise: float = 2.0) -> bytes:
    """A red box (centre half) and a blue disc on a light grey background, as JPEG."""
    pixels = np.empty((height, width, 3), np.float32)
    pixels[:] = BACKGROUND
    rows, columns = np.mgrid[:height, :width]
    box = (abs(columns - width * 0.45) < width * 0.2) & (abs(rows - height * 0.5) < height * 0.25)
    pixels[box] = BOX
    disc = (columns - width * 0.75) ** 2 + (rows - height * 0.4) ** 2 < (height * 0.12) ** 2
    pixels[disc] = (30, 60, 200)
    pixels += np.random.default_rng(7).normal(0, noise, pixels.shape)
    data = np.clip(pixels, 0, 255).astype(np.uint8).tobytes()
    image = pyvips.Image.new_from_memory(data, width, height, 3, "uchar")
    jpeg: bytes = image.copy(interpretation="srgb").jpegsave_buffer(Q=92)
    return jpeg


def busy_photo(width: int = 300, height: int = 200) -> bytes:
    """Random noise everywhere: no plain background to find."""
    data = np.random.default_rng(3).integers(0, 256, (height, width, 3), np.uint8).tobytes()
    image = pyvips.Image.new_from_memory(data, width, height, 3, "uchar")
    jpeg: bytes = image.copy(interpretation="srgb").jpegsave_buffer(Q=90)
    return jpeg
