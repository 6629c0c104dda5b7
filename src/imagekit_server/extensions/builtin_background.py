"""The built-in background remover: product shots on plain or near-plain backgrounds.

How: on a small copy, the background colour is the median of a thin border ring (in Lab);
pixels close to it that are connected to the border are background, everything else (the
subject, including parts of it that happen to share the background's colour but are enclosed
by it) is foreground. The mask is cleaned, scaled to full size and feathered, so edges are
soft. A background that is not plain (a busy border) is refused with a reason instead of
guessed at: use the ONNX or remove.bg provider for photos of that kind.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvips

from imagekit_server.extensions.cutout import finish, with_alpha
from imagekit_server.extensions.pixels import as_array, decode, from_array
from imagekit_server.extensions.providers import BackgroundOptions, Cutout, ProviderError
from imagekit_server.settings import Settings

WORKING_SIZE = 512  # longest side of the copy the mask is computed on
BORDER = 0.03  # ring width, as a share of the shorter side
MAX_BORDER_SPREAD = 28.0  # Lab distance: beyond it at the ring's 90th percentile, not plain
MIN_THRESHOLD = 14.0


class BuiltinBackgroundRemover:
    inline = False  # a full decode and PNG encode: pending, as ImageKit reports remove-bg

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def remove_background(self, image: bytes, options: BackgroundOptions) -> Cutout:
        try:
            return finish(self.cutout(image), options, self.settings)
        except pyvips.Error as error:  # raised late: libvips decodes while encoding
            raise ProviderError("the image data is damaged") from error

    def cutout(self, image: bytes) -> Any:
        """The full-size image with the background made transparent (pyvips, RGBA)."""
        full = decode(image)
        return with_alpha(full, subject_mask(full))


def subject_mask(full: Any) -> Any:
    """A feathered uchar mask of ``full``'s subject (255 = subject), at full size."""
    import cv2

    scale = min(1.0, WORKING_SIZE / max(full.width, full.height))
    small = full.resize(scale) if scale < 1.0 else full
    pixels = as_array(small)
    rgb = np.ascontiguousarray(pixels[:, :, :3])
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    ring = _ring(lab.shape[0], lab.shape[1])
    background = np.median(lab[ring], axis=0)
    distance = np.sqrt(((lab - background) ** 2).sum(axis=2))
    spread = float(np.percentile(distance[ring], 90))
    if spread > MAX_BORDER_SPREAD:
        raise ProviderError(
            "the background is not plain enough for the built-in remover "
            f"(border colour spread {spread:.0f} > {MAX_BORDER_SPREAD:.0f}); "
            "configure the onnx or removebg provider for such photos"
        )
    threshold = max(MIN_THRESHOLD, 2.5 * spread)
    candidate = (distance <= threshold).astype(np.uint8)
    _, components = cv2.connectedComponents(candidate, connectivity=4)
    touching = np.unique(components[ring & (candidate == 1)])
    mask = np.where(np.isin(components, touching) & (candidate == 1), 0, 255).astype(np.uint8)
    kernel = np.ones((3, 3), np.uint8)
    cleaned = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    share = float((cleaned > 0).mean())
    if share < 0.005 or share > 0.98:
        raise ProviderError("no distinct subject was found against the background")
    return _feathered(from_array(cleaned), full, scale)


def _ring(height: int, width: int) -> np.ndarray:
    band = max(2, round(min(height, width) * BORDER))
    ring = np.zeros((height, width), bool)
    ring[:band, :] = ring[-band:, :] = True
    ring[:, :band] = ring[:, -band:] = True
    return ring


def _feathered(mask: Any, full: Any, scale: float) -> Any:
    if scale < 1.0:
        mask = fit_mask(mask, full.width, full.height)
    # Soften over about one working-copy pixel, so the upscaled steps do not show.
    sigma = max(0.8, 0.6 / scale)
    return mask.gaussblur(sigma).cast("uchar")


def fit_mask(mask: Any, width: int, height: int) -> Any:
    """``mask`` scaled (bilinear) to exactly ``width`` x ``height``."""
    scaled = mask.resize(width / mask.width, vscale=height / mask.height, kernel="linear")
    if (scaled.width, scaled.height) != (width, height):
        scaled = scaled.embed(0, 0, width, height, extend="copy").crop(0, 0, width, height)
    return scaled
