"""The built-in tagger: facts measured from the pixels with what ships in our wheels, no key
and no model download (docs/extensions.md says what it is and is not good for).

Labels and where their confidence comes from:

- ``Face``, ``Person``, ``Group Of People``: OpenCV's bundled frontal-face Haar cascade; the
  confidence grows with the detector's neighbour count (how many overlapping windows agreed).
- colour names (``Red``, ``Blue``, ...): the share of pixels nearest to each of a dozen basic
  colours, in percent (a 60 % blue picture is ``Blue`` at 60).
- ``Black And White``: almost no saturated pixel.
- ``Transparent``: the alpha channel has see-through pixels.
- ``Horizontal`` / ``Vertical`` / ``Square``: the aspect ratio (a geometric fact: 99).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from imagekit_server.extensions.pixels import as_array, thumbnail
from imagekit_server.extensions.providers import Label, best_labels
from imagekit_server.imaging.colour_names import COLOUR_NAMES

ANALYSIS_SIZE = 400  # longest side of the copy everything is measured on
COLOUR_SAMPLES = 8192  # pixels the colour shares are estimated from (error < 1 %)
_BASIC_COLOURS = (
    "black",
    "white",
    "gray",
    "silver",
    "red",
    "orange",
    "yellow",
    "green",
    "teal",
    "blue",
    "navy",
    "purple",
    "pink",
    "brown",
)
_MIN_FACE = 20


@lru_cache(maxsize=1)
def _palette() -> np.ndarray:
    """The basic colours in Lab, where distance follows what people call the same colour."""
    rgb = np.array(
        [[[int(COLOUR_NAMES[name][i : i + 2], 16) for i in (0, 2, 4)] for name in _BASIC_COLOURS]],
        dtype=np.uint8,
    )
    return _lab(rgb).reshape(-1, 3)


def _lab(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB).astype(np.float32)


@lru_cache(maxsize=1)
def _face_cascade() -> Any:
    import cv2  # loaded on first use only
    import cv2.data

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml")
    if cascade.empty():
        raise RuntimeError("OpenCV could not load its frontal-face cascade")
    return cascade


class BuiltinTagger:
    inline = True

    def labels(self, image: bytes, *, max_labels: int, min_confidence: float) -> list[Label]:
        small = thumbnail(image, ANALYSIS_SIZE)
        pixels = as_array(small)
        rgb = pixels[:, :, :3]
        opaque = pixels[:, :, 3] > 127 if pixels.shape[2] == 4 else np.ones(rgb.shape[:2], bool)
        found = [*_shape(small.width, small.height), *_faces(rgb)]
        if pixels.shape[2] == 4 and (pixels[:, :, 3] < 250).mean() > 0.01:
            found.append(Label("Transparent", 99.0))
        found += _colours(rgb[opaque])
        return best_labels(found, max_labels=max_labels, min_confidence=min_confidence)


def _shape(width: int, height: int) -> list[Label]:
    ratio = width / height
    name = "Square" if 0.95 <= ratio <= 1.05 else "Horizontal" if ratio > 1 else "Vertical"
    return [Label(name, 99.0)]


def _faces(rgb: np.ndarray) -> list[Label]:
    import cv2

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    boxes, neighbours = _face_cascade().detectMultiScale2(
        grey, scaleFactor=1.15, minNeighbors=4, minSize=(_MIN_FACE, _MIN_FACE)
    )
    if len(boxes) == 0:
        return []
    # More agreeing windows, surer face: 4 neighbours (the minimum) -> 70, 12 or more -> 98.
    confidence = float(min(98.0, 70.0 + 3.5 * (float(np.max(neighbours)) - 4)))
    labels = [Label("Face", confidence), Label("Person", confidence - 2)]
    if len(boxes) >= 3:
        labels.append(Label("Group Of People", confidence - 5))
    return labels


def _colours(rgb: np.ndarray) -> list[Label]:
    if rgb.size == 0:
        return []
    picked = rgb.reshape(-1, 3)[:: max(1, rgb.size // 3 // COLOUR_SAMPLES)]
    labels: list[Label] = []
    spread = picked.max(axis=1).astype(int) - picked.min(axis=1)
    sample = _lab(picked.reshape(1, -1, 3)).reshape(-1, 3)
    if (spread < 24).mean() > 0.97:
        labels.append(Label("Black And White", 95.0))
    palette = _palette()
    # |x - p|^2 = |x|^2 - 2 x.p + |p|^2; |x|^2 is the same for every p, so it drops out.
    distances = (palette**2).sum(axis=1)[None, :] - 2 * sample @ palette.T
    shares = np.bincount(distances.argmin(axis=1), minlength=len(palette)) / len(sample)
    for index in np.argsort(-shares)[:3]:
        if shares[index] >= 0.05:
            name = _BASIC_COLOURS[index].title()
            labels.append(Label(name, round(float(shares[index]) * 100, 2)))
    return labels
