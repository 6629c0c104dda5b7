"""Apply geometry operations (resize, crop, smart crop, pad) to a pyvips image."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from imagekit_server.imaging.geometry import Crop, Operation, Resize, SmartCrop
from imagekit_server.imaging.limits import Limits


def check_operations(operations: Sequence[Operation], limits: Limits) -> None:
    """Refuse oversized results before any of them is computed."""
    for operation in operations:
        limits.check_output_size(operation.width, operation.height)


def resize_to(image: Any, width: int, height: int) -> Any:
    if (image.width, image.height) == (width, height):
        return image
    return image.thumbnail_image(width, height=height, size="force")


def apply_operation(image: Any, operation: Operation) -> Any:
    """Resize, crop or smart-crop; padding needs a background (see ``backgrounds.padded``)."""
    if isinstance(operation, Resize):
        return resize_to(image, operation.width, operation.height)
    if isinstance(operation, Crop):
        if (operation.width, operation.height) == (image.width, image.height):
            return image
        return image.crop(operation.left, operation.top, operation.width, operation.height)
    if isinstance(operation, SmartCrop):
        return image.smartcrop(operation.width, operation.height, interesting="attention")
    raise TypeError(f"not a resize or crop: {operation!r}")
