"""A subtitle cue's outline is its text's alpha dilated by a disc: the libvips rank filters
give what the definition gives, point by point."""

from __future__ import annotations

import numpy as np
import pytest
import pyvips

from imagekit_server.video.subtitle_pictures import _grow


def _by_definition(alpha: np.ndarray, radius: int) -> np.ndarray:
    """The maximum over every offset with dx² + dy² <= r² + r (zeros beyond the edges)."""
    height, width = alpha.shape
    padded = np.zeros((height + 2 * radius, width + 2 * radius), alpha.dtype)
    padded[radius : radius + height, radius : radius + width] = alpha
    grown = alpha.copy()
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dx * dx + dy * dy <= radius * radius + radius:
                window = padded[
                    radius + dy : radius + dy + height, radius + dx : radius + dx + width
                ]
                grown = np.maximum(grown, window)
    return grown


@pytest.mark.parametrize("radius", [0, 1, 2, 4, 7, 20])
def test_outline_is_the_disc_dilation(radius: int) -> None:
    chance = np.random.default_rng(radius)
    alpha = np.where(chance.random((53, 71)) < 0.03, chance.integers(1, 256, (53, 71)), 0)
    alpha = alpha.astype(np.uint8)
    image = pyvips.Image.new_from_array(alpha).cast("uchar")
    grown = _grow(image, radius)
    got = np.ndarray(buffer=grown.write_to_memory(), dtype=np.uint8, shape=alpha.shape)
    assert np.array_equal(got, _by_definition(alpha, radius))
