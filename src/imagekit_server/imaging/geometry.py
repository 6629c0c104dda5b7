"""Crop strategies and modes as pure size arithmetic (docs/reference/transformations.md §3.4-3.6).

``plan_geometry`` turns a step's request into primitive operations — resize, crop, smart crop,
pad — that ``resize`` applies with pyvips. Keeping the maths free of pixels makes every rule
testable and lets limits be checked before anything is decoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from imagekit_server.imaging.errors import invalid
from imagekit_server.imaging.expressions import Expression, round_half_up
from imagekit_server.imaging.plan import Step
from imagekit_server.imaging.values import ANCHORS


@dataclass(frozen=True)
class Resize:
    """Scale to exactly ``width`` x ``height``."""

    width: int
    height: int


@dataclass(frozen=True)
class Crop:
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class SmartCrop:
    """Crop to ``width`` x ``height`` keeping the most interesting part (`fo-auto`)."""

    width: int
    height: int


@dataclass(frozen=True)
class Pad:
    """Place the image at (left, top) on a ``width`` x ``height`` background canvas."""

    width: int
    height: int
    left: int
    top: int


Operation = Resize | Crop | SmartCrop | Pad
_PASS_THROUGH_SINGLE = {"at_max", "maintain_ratio_no_enlarge", "pad_resize_no_enlarge"}


def _scaled(size: int, scale: float) -> int:
    return max(1, round_half_up(size * scale))


def anchor_offset(anchor: str | None, free_x: int, free_y: int) -> tuple[int, int]:
    """Offsets placing a box by an anchor keyword inside free space (may be negative)."""
    anchor = anchor or "center"
    left = 0 if "left" in anchor else free_x if "right" in anchor else free_x // 2
    top = 0 if "top" in anchor else free_y if "bottom" in anchor else free_y // 2
    return left, top


FocusPoint = tuple[float, float]  # `fo-custom` centre as fractions of the source size
FaceBox = tuple[int, int, int, int]  # `fo-face`: left, top, width, height in the step input
_FACE_MODES = {"maintain_ratio", "maintain_ratio_no_enlarge", "extract"}


def focus_offset(
    focus: str | None,
    point: FocusPoint | None,
    image_width: int,
    image_height: int,
    width: int,
    height: int,
) -> tuple[int, int]:
    """Top-left of a ``width`` x ``height`` window: by anchor, or centred on the custom focus."""
    if focus == "custom" and point is not None:
        left = round_half_up(point[0] * image_width - width / 2)
        top = round_half_up(point[1] * image_height - height / 2)
        return (
            min(max(left, 0), max(image_width - width, 0)),
            min(max(top, 0), max(image_height - height, 0)),
        )
    return anchor_offset(focus, image_width - width, image_height - height)


_NOT_OBJECTS = ANCHORS | {"auto", "custom", "face"}


def is_object_focus(focus: str | None) -> bool:
    """Whether a `fo` value names objects (`fo-car`, `fo-person_dog`): the parser lets only
    anchors, auto, custom, face and such names through."""
    return focus is not None and focus not in _NOT_OBJECTS


def uses_faces(step: Step, width: int | None, height: int | None) -> bool:
    """Whether planning ``step`` at ``width`` x ``height`` needs the subject box of its input:
    the faces for `fo-face`, the named objects for `fo-<object>`.

    They matter where a crop window is placed: maintain_ratio and extract with both sides
    (§3.5); explicit extract coordinates win over them. Objects with fewer sides are the
    "tight crop": the box around them, scaled to the side given.
    """
    objects = is_object_focus(step.focus)
    if step.focus != "face" and not objects:
        return False
    if width is None or height is None:
        return objects
    mode = step.crop_mode or step.crop or "maintain_ratio"
    coordinates = (step.x, step.y, step.xc, step.yc)
    return mode in _FACE_MODES and (mode != "extract" or coordinates == (None,) * 4)


def plan_geometry(
    step: Step,
    source_width: int,
    source_height: int,
    width: int | None,
    height: int | None,
    variables: Mapping[str, float],
    focus_point: FocusPoint | None = None,
    face: FaceBox | None = None,
) -> list[Operation]:
    """Operations turning a ``source_width`` x ``source_height`` image into the request.

    ``face`` is the detected face (or object) box when ``uses_faces``; without one `fo-face`
    and `fo-<object>` fall back to the attention smart crop (§3.5).
    """
    if uses_faces(step, width, height):
        if face is not None and width is not None and height is not None:
            return _face_crop(step, face, source_width, source_height, width, height)
        if face is not None:
            return _tight_crop(face, width, height, source_width, source_height)
        step = replace(step, focus="auto")
    elif is_object_focus(step.focus):
        step = replace(step, focus=None)  # no crop window to place (`laptop` is no anchor)
    if width is None and height is None:
        return []
    mode = step.crop_mode or step.crop or "maintain_ratio"
    if mode in {"extract", "pad_extract", "pad_extract_no_shrink"}:
        target_width = width if width is not None else source_width
        target_height = height if height is not None else source_height
        size = (source_width, source_height, target_width, target_height)
        return _extract(step, mode, size, variables, focus_point)
    if width is None or height is None:
        scale = width / source_width if width is not None else (height or 1) / source_height
        if mode in _PASS_THROUGH_SINGLE and scale >= 1:
            return []
        return [Resize(_scaled(source_width, scale), _scaled(source_height, scale))]
    return _both_sides(step, mode, source_width, source_height, width, height, focus_point)


def _both_sides(
    step: Step,
    mode: str,
    source_width: int,
    source_height: int,
    width: int,
    height: int,
    point: FocusPoint | None,
) -> list[Operation]:
    cover = max(width / source_width, height / source_height)
    contain = min(width / source_width, height / source_height)
    if mode == "force":
        return [Resize(width, height)]
    if mode == "at_least":
        return [Resize(_scaled(source_width, cover), _scaled(source_height, cover))]
    if mode == "at_max_enlarge" or (mode == "at_max" and contain < 1):
        return [Resize(_scaled(source_width, contain), _scaled(source_height, contain))]
    if mode == "at_max":
        return []
    if mode in {"pad_resize", "pad_resize_no_enlarge"}:
        scale = min(contain, 1.0) if mode == "pad_resize_no_enlarge" else contain
        inner_width = min(width, _scaled(source_width, scale))
        inner_height = min(height, _scaled(source_height, scale))
        left, top = anchor_offset(step.focus, width - inner_width, height - inner_height)
        return [Resize(inner_width, inner_height), Pad(width, height, left, top)]
    if mode == "maintain_ratio_no_enlarge" and cover > 1:
        return _largest_box(step, source_width, source_height, width, height, point)
    resized_width = max(width, _scaled(source_width, cover))
    resized_height = max(height, _scaled(source_height, cover))
    operations: list[Operation] = [Resize(resized_width, resized_height)]
    crop = _crop_at_focus(step, resized_width, resized_height, width, height, point)
    return [*operations, crop]


def _crop_at_focus(
    step: Step,
    image_width: int,
    image_height: int,
    width: int,
    height: int,
    point: FocusPoint | None,
) -> Operation:
    if (image_width, image_height) == (width, height):
        return Crop(0, 0, width, height)
    if step.focus == "auto":
        return SmartCrop(width, height)
    left, top = focus_offset(step.focus, point, image_width, image_height, width, height)
    return Crop(left, top, width, height)


def _largest_box_size(
    source_width: int, source_height: int, width: int, height: int
) -> tuple[int, int]:
    """The largest ``width``:``height`` box that fits in the source."""
    if source_width * height > source_height * width:
        return max(1, round_half_up(source_height * width / height)), source_height
    return source_width, max(1, round_half_up(source_width * height / width))


def _largest_box(
    step: Step,
    source_width: int,
    source_height: int,
    width: int,
    height: int,
    point: FocusPoint | None,
) -> list[Operation]:
    box_width, box_height = _largest_box_size(source_width, source_height, width, height)
    return [_crop_at_focus(step, source_width, source_height, box_width, box_height, point)]


def _face_crop(
    step: Step, face: FaceBox, source_width: int, source_height: int, width: int, height: int
) -> list[Operation]:
    """Cut the window that the mode would cut, centred on the face and scaled by `z` (§3.7).

    The "natural" window is the source area the mode keeps without zoom: the w x h region for
    extract, the cover-scaled w x h crop for maintain_ratio. ``z`` divides its size.
    """
    mode = step.crop_mode or step.crop or "maintain_ratio"
    cover = max(width / source_width, height / source_height)
    natural: tuple[float, float]
    if mode == "extract":
        output = natural = min(width, source_width), min(height, source_height)
    elif mode == "maintain_ratio_no_enlarge" and cover > 1:
        output = natural = _largest_box_size(source_width, source_height, width, height)
    else:
        output, natural = (width, height), (width / cover, height / cover)
    window = face_window(face, source_width, source_height, natural, step.zoom or 1.0)
    return _window_to_size(window, output, source_width, source_height)


def _tight_crop(
    box: FaceBox, width: int | None, height: int | None, source_width: int, source_height: int
) -> list[Operation]:
    """`fo-<object>` without both sides: the objects' box, scaled to the side given."""
    window = Crop(*box)
    if width is None and height is None:
        return [window]
    scale = width / box[2] if width is not None else (height or 1) / box[3]
    output = (width or _scaled(box[2], scale), height or _scaled(box[3], scale))
    return _window_to_size(window, output, source_width, source_height)


def _window_to_size(
    window: Crop, output: tuple[int, int], source_width: int, source_height: int
) -> list[Operation]:
    """Cut ``window`` and scale it to ``output``.

    When that shrinks, resize first and crop after, like a plain cover crop: the first step
    can then decode small (shrink-on-load) and libvips only computes the cropped region.
    """
    width, height = output
    if (window.width, window.height) == output:
        return [window]
    scale = max(width / window.width, height / window.height)
    if scale > 1:
        return [window, Resize(width, height)]
    resized_width = max(width, _scaled(source_width, scale))
    resized_height = max(height, _scaled(source_height, scale))
    left = round_half_up((window.left + window.width / 2) * scale - width / 2)
    top = round_half_up((window.top + window.height / 2) * scale - height / 2)
    left = min(max(left, 0), resized_width - width)
    top = min(max(top, 0), resized_height - height)
    return [Resize(resized_width, resized_height), Crop(left, top, width, height)]


def face_window(
    face: FaceBox,
    image_width: int,
    image_height: int,
    natural: tuple[float, float],
    zoom: float,
) -> Crop:
    """A ``natural / zoom`` window centred on ``face``, shrunk (aspect kept) and shifted to fit."""
    width, height = natural[0] / zoom, natural[1] / zoom
    fit = min(1.0, image_width / width, image_height / height)
    width = min(image_width, max(1, round_half_up(width * fit)))
    height = min(image_height, max(1, round_half_up(height * fit)))
    left = round_half_up(face[0] + face[2] / 2 - width / 2)
    top = round_half_up(face[1] + face[3] / 2 - height / 2)
    left = min(max(left, 0), image_width - width)
    top = min(max(top, 0), image_height - height)
    return Crop(left, top, width, height)


def _evaluate(
    expression: Expression | None, variables: Mapping[str, float], key: str
) -> int | None:
    if expression is None:
        return None
    value = round_half_up(expression.evaluate(variables, key))
    if value < 0:
        raise invalid(f"'{key}' must not be negative")
    return value


def _window_origin(
    step: Step,
    size: tuple[int, int, int, int],
    variables: Mapping[str, float],
    point: FocusPoint | None,
) -> tuple[int, int, bool]:
    """Top-left of the extract window and whether it came from centre coordinates."""
    source_width, source_height, width, height = size
    x, y = _evaluate(step.x, variables, "x"), _evaluate(step.y, variables, "y")
    xc, yc = _evaluate(step.xc, variables, "xc"), _evaluate(step.yc, variables, "yc")
    left, top = focus_offset(step.focus, point, source_width, source_height, width, height)
    if x is not None:
        left = x
    elif xc is not None:
        left = xc - width // 2
    if y is not None:
        top = y
    elif yc is not None:
        top = yc - height // 2
    return left, top, xc is not None or yc is not None


def _extract(
    step: Step,
    mode: str,
    size: tuple[int, int, int, int],
    variables: Mapping[str, float],
    point: FocusPoint | None,
) -> list[Operation]:
    source_width, source_height, width, height = size
    if mode == "extract":
        width, height = min(width, source_width), min(height, source_height)
        if step.focus == "auto" and step.x is None and step.y is None:
            return [SmartCrop(width, height)]
    elif mode == "pad_extract_no_shrink":
        width, height = max(width, source_width), max(height, source_height)
    window = (source_width, source_height, width, height)
    left, top, centred = _window_origin(step, window, variables, point)
    if mode != "extract":
        return [Pad(width, height, -left, -top)]
    outside = left < 0 or top < 0 or left + width > source_width or top + height > source_height
    if outside and centred:
        raise invalid("'xc'/'yc' place the extract window outside the image")
    left = min(max(left, 0), source_width - width)
    top = min(max(top, 0), source_height - height)
    return [Crop(left, top, width, height)]
