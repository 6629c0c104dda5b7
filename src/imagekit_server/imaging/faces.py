"""Face detection for `fo-face` with OpenCV's Haar cascade (docs/reference/transformations.md §3.5,
§3.7).

The cascade ships inside the ``opencv-python-headless`` wheel, so nothing is downloaded. cv2 is
imported on first use only: serving never pays for it unless a request asks for faces.
Detection runs on a small greyscale copy, which bounds its time and memory whatever the source.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from imagekit_server.imaging.geometry import FaceBox, Resize
from imagekit_server.imaging.loading import SourceInfo, load_resized

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


def source_copy(source: bytes, info: SourceInfo, page: int | None) -> Any:
    """The source decoded straight to detection size (shrink-on-load: no full decode)."""
    scale = min(1.0, DETECTION_SIZE / max(info.width, info.height))
    size = Resize(max(1, round(info.width * scale)), max(1, round(info.height * scale)))
    return load_resized(source, size, info, page)


def detect_faces(
    image: Any,
    watch: Callable[[Any], Any] = lambda image: image,
    frame: tuple[int, int] | None = None,
) -> FaceBox | None:
    """The union of every frontal face in ``image``, or None when there is none.

    The box is in ``image``'s pixels, or in those of ``frame`` (width, height) when ``image`` is
    a smaller copy of it. ``watch`` puts the render deadline on the libvips work.
    """
    frame_width, frame_height = frame or (image.width, image.height)
    pixels = _greyscale_pixels(image, watch)
    found = _classifier().detectMultiScale(
        pixels, scaleFactor=1.1, minNeighbors=5, minSize=(_MIN_FACE, _MIN_FACE)
    )
    if len(found) == 0:
        return None
    scale_x, scale_y = frame_width / pixels.shape[1], frame_height / pixels.shape[0]
    lefts, tops = found[:, 0], found[:, 1]
    left, top = int(lefts.min() * scale_x), int(tops.min() * scale_y)
    right = min(frame_width, int(np.ceil((lefts + found[:, 2]).max() * scale_x)))
    bottom = min(frame_height, int(np.ceil((tops + found[:, 3]).max() * scale_y)))
    return left, top, max(1, right - left), max(1, bottom - top)
