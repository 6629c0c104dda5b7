"""Face detection for `fo-face` with OpenCV's Haar cascade (transformations.md §3.5, §3.7).

The cascade ships inside the ``opencv-python-headless`` wheel, so nothing is downloaded. cv2 is
imported on first use only: serving never pays for it unless a request asks for faces.
Detection runs on a small greyscale copy, which bounds its time and memory whatever the source.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from imagekit_server.imaging.geometry import FaceBox

DETECTION_SIZE = 640  # longest side of the copy the cascade sees
_CASCADE = "haarcascade_frontalface_alt2.xml"  # fewer false positives than "default"
_MIN_FACE = 20  # px in the detection copy; the cascade's own window is 24


@lru_cache(maxsize=1)
def _classifier() -> Any:
    import cv2  # heavy: loaded only when a request uses fo-face
    import cv2.data

    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + _CASCADE)
    if classifier.empty():
        raise RuntimeError(f"OpenCV could not load {_CASCADE}")
    return classifier


def _greyscale_pixels(image: Any, watch: Callable[[Any], Any]) -> np.ndarray:
    """A uint8 greyscale copy whose longest side is at most DETECTION_SIZE."""
    scale = min(1.0, DETECTION_SIZE / max(image.width, image.height))
    small = image if scale == 1.0 else image.resize(scale)
    if small.hasalpha():
        small = small.flatten(background=255)
    grey = small.colourspace("b-w")[0]
    if grey.interpretation == "grey16":
        grey = grey / 256
    data = watch(grey.cast("uchar")).write_to_memory()
    return np.frombuffer(data, dtype=np.uint8).reshape(grey.height, grey.width)


def detect_faces(image: Any, watch: Callable[[Any], Any] = lambda image: image) -> FaceBox | None:
    """The union of every frontal face in ``image`` (in its pixels), or None when there is none.

    ``watch`` puts the render deadline on the libvips work that makes the detection copy.
    """
    pixels = _greyscale_pixels(image, watch)
    found = _classifier().detectMultiScale(
        pixels, scaleFactor=1.1, minNeighbors=5, minSize=(_MIN_FACE, _MIN_FACE)
    )
    if len(found) == 0:
        return None
    scale_x, scale_y = image.width / pixels.shape[1], image.height / pixels.shape[0]
    lefts, tops = found[:, 0], found[:, 1]
    left, top = int(lefts.min() * scale_x), int(tops.min() * scale_y)
    right = min(image.width, int(np.ceil((lefts + found[:, 2]).max() * scale_x)))
    bottom = min(image.height, int(np.ceil((tops + found[:, 3]).max() * scale_y)))
    return left, top, max(1, right - left), max(1, bottom - top)
