"""Dominant colour: the most frequent colour after quantising to 5 bits per channel."""

from __future__ import annotations

from typing import Any

from imagekit_server.imaging.bands import as_colour_image, without_alpha
from imagekit_server.imaging.colours import Colour

_BINS = 1 << 15  # 32 levels per channel


def most_frequent_colour(regions: list[Any]) -> Colour:
    """Mode over all pixels of ``regions`` (sRGB, without alpha); a bin's centre is returned."""
    histogram = None
    for region in regions:
        pixels = as_colour_image(without_alpha(region))
        quantised = (pixels >> 3).cast("uint")
        index = ((quantised[0] << 10) | (quantised[1] << 5) | quantised[2]).cast("ushort")
        counts = index.hist_find().cast("uint")
        if counts.width < _BINS:
            counts = counts.embed(0, 0, _BINS, 1)
        histogram = counts if histogram is None else histogram + counts
    if histogram is None:
        raise ValueError("no regions to measure")
    _, details = histogram.max(x=True)
    index_of_mode = int(details["x"])
    return Colour(
        (index_of_mode >> 10 & 31) * 8 + 4,
        (index_of_mode >> 5 & 31) * 8 + 4,
        (index_of_mode & 31) * 8 + 4,
    )


def dominant_colour(image: Any) -> Colour:
    """Dominant colour of a whole image (measured on a small thumbnail)."""
    return most_frequent_colour([image.thumbnail_image(64, height=64)])
