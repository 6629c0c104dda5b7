"""Run a chain of steps over pyvips, each step in the fixed order of
docs/reference/transformations.md §2.3."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from imagekit_server.imaging import effects, orientation, shape
from imagekit_server.imaging.backgrounds import padded
from imagekit_server.imaging.conditions import holds
from imagekit_server.imaging.deadline import watch_deadline
from imagekit_server.imaging.distort import distort
from imagekit_server.imaging.errors import limit_exceeded
from imagekit_server.imaging.geometry import (
    FaceBox,
    FocusPoint,
    Operation,
    Pad,
    Resize,
    is_object_focus,
    plan_geometry,
    uses_faces,
)
from imagekit_server.imaging.gradient import apply_gradient
from imagekit_server.imaging.limits import Limits
from imagekit_server.imaging.loading import SourceInfo, load_full, load_resized
from imagekit_server.imaging.plan import OutputOptions, Step, StepNode
from imagekit_server.imaging.resize import apply_operation, check_operations
from imagekit_server.imaging.shadow import cast_shadow, drop_shadow
from imagekit_server.imaging.sizes import ClientHints, requested_size, size_variables
from imagekit_server.imaging.trim import trim
from imagekit_server.imaging.workload import step_effects

_EMPTY = Step()
# Operations (a step, each of its effects, two per layer) stacked before the image is held in
# memory; chains of ordinary length never reach it. Measured: about 400 chained blurs
# overflow an 8 MiB thread stack.
MATERIALISE_UNITS = 24
_STEP_FIELD_NAMES = tuple(f.name for f in fields(Step))
LayerPainter = Callable[[Any, Step, "ChainContext"], Any]


@dataclass
class ChainContext:
    """Everything a chain needs besides the image: limits, deadline, hooks."""

    source: bytes
    info: SourceInfo
    limits: Limits
    hints: ClientHints = field(default_factory=ClientHints)
    deadline: float = float("inf")
    paint_layers: LayerPainter | None = None
    load_image: Callable[[str], bytes] | None = None
    output: OutputOptions = field(default_factory=OutputOptions)
    used_unsharp: bool = False
    single_pass: bool = False  # the whole chain reads pixels once, top to bottom
    parent: tuple[int, int] | None = None  # size of the image a layer is drawn on
    image_variables: bool = True  # False in text and solid layers: only bw/bh/bar exist
    focus_point: FocusPoint | None = None  # `fo-custom`, valid while the image is the original
    # Images given a deadline watch, kept alive until the render ends (see `watch`).
    watched: list[Any] = field(default_factory=list)
    # Work units stacked on the lazy pipeline since the image was last held in memory.
    pending_units: float = 0.0

    def variables(self, width: int, height: int) -> dict[str, float]:
        """Expression variables for a step whose input is ``width`` x ``height``."""
        values = size_variables(self.info.width, self.info.height, width, height)
        if not self.image_variables:
            values = {}
        if self.parent is not None:
            parent_width, parent_height = self.parent
            values.update(bw=parent_width, bh=parent_height, bar=parent_width / parent_height)
        return values

    def watch(self, image: Any) -> Any:
        """``watch_deadline`` for this render, keeping ``image``'s wrapper alive until the end.

        The wrapper owns the handle of the signal callback. libvips may hand the same VipsImage
        back through a new wrapper (``copy_memory`` of an image already in memory); if the first
        wrapper were collected, the next eval signal would reach a freed handle and abort the
        whole process.
        """
        self.watched.append(image)
        return watch_deadline(image, self.deadline)

    def check_deadline(self) -> None:
        if time.monotonic() >= self.deadline:
            raise limit_exceeded(
                f"processing took longer than {self.limits.max_processing_seconds:g} s"
            )


_GEOMETRY_FIELDS = frozenset(
    {"width", "height", "aspect_ratio", "dpr", "crop", "focus", "output", "text", "x", "y"}
)


def is_single_pass(nodes: tuple[StepNode, ...]) -> bool:
    """A lone step of resize/crop and output options only (the fast path)."""
    if len(nodes) != 1 or not isinstance(nodes[0], Step):
        return False
    step = nodes[0]
    changed = {name for name in _STEP_FIELD_NAMES if getattr(step, name) != getattr(_EMPTY, name)}
    subject = step.focus in {"auto", "face"} or is_object_focus(step.focus)
    return changed <= _GEOMETRY_FIELDS and not subject


def run_chain(nodes: tuple[StepNode, ...], context: ChainContext, image: Any = None) -> Any:
    """Run steps left to right; ``image`` None means "not decoded yet" (shrink-on-load)."""
    for node in nodes:
        if isinstance(node, Step):
            image = run_step(image, node, context)
            continue
        width, height = _current_size(image, context)
        properties = {
            "w": width,
            "h": height,
            "ar": width / height,
            "iw": context.info.width,
            "ih": context.info.height,
            "iar": context.info.width / context.info.height,
        }
        branch = node.then_steps if holds(node.condition, properties) else node.else_steps
        image = run_chain(branch, context, image)
    if image is None:
        image = load_full(
            context.source, None, None, context.info.format, **_vector_bounds(context)
        )
    return image


def _current_size(image: Any, context: ChainContext) -> tuple[int, int]:
    if image is None:
        return context.info.width, context.info.height
    return image.width, image.height


Picture = Callable[[], Any]  # the step input's pixels, possibly a smaller copy, made on demand


def _geometry(
    step: Step, width: int, height: int, context: ChainContext, picture: Picture | None = None
) -> list[Operation]:
    """Plan the step's resize/crop; `fo-face` and `fo-<object>` look for their subject in
    ``picture``."""
    variables = context.variables(width, height)
    target_width, target_height = requested_size(step, width, height, variables, context.hints)
    face = None
    if picture is not None and uses_faces(step, target_width, target_height):
        face = _detect_subject(step.focus, picture, (width, height), context)
    operations = plan_geometry(
        step, width, height, target_width, target_height, variables, context.focus_point, face
    )
    check_operations(operations, context.limits)
    return operations


def _detect_subject(
    focus: str | None, picture: Picture, frame: tuple[int, int], context: ChainContext
) -> FaceBox | None:
    context.check_deadline()
    if focus == "face":
        from imagekit_server.imaging.faces import detect_faces  # imports cv2: only when asked

        found = detect_faces(picture(), context.watch, frame)
    else:
        from imagekit_server.imaging.objects import detect_objects  # imports onnxruntime

        assert focus is not None
        model = context.limits.object_model
        found = detect_objects(picture(), focus, model, context.watch, frame)
    context.check_deadline()  # the cascade or the model itself cannot be interrupted
    return found


def _source_picture(step: Step, context: ChainContext) -> Picture:
    """The first step's input for face or object detection, decoded small when the format
    allows."""

    def picture() -> Any:
        if step.density is None and context.info.format not in {"svg", "pdf"}:
            from imagekit_server.imaging.faces import source_copy

            return source_copy(context.source, context.info, step.page)
        return load_full(
            context.source, step.page, step.density, context.info.format, **_vector_bounds(context)
        )

    return picture


def _load(step: Step, context: ChainContext) -> tuple[Any, list[Operation] | None]:
    """Decode for the first step, straight to the target size when the step starts by resizing."""
    if step.page is not None and step.page > context.info.pages:
        raise limit_exceeded(
            f"page {step.page} does not exist (the source has {context.info.pages})"
        )
    if not step.trim:
        size = context.info.width, context.info.height
        operations = _geometry(step, *size, context, _source_picture(step, context))
        first = operations[0] if operations else None
        if isinstance(first, Resize) and step.density is None and not _needs_source_for_pad(step):
            image = load_resized(
                context.source, first, context.info, step.page, **_vector_bounds(context)
            )
            # Shrink-on-load reads the source sequentially; anything beyond a plain
            # resize/crop may read out of order, so it gets the (small) result in memory.
            if not context.single_pass:
                image = context.watch(image).copy_memory()
            return image, operations[1:]
    image = load_full(
        context.source, step.page, step.density, context.info.format, **_vector_bounds(context)
    )
    return image, None


def _vector_bounds(context: ChainContext) -> dict[str, Any]:
    """What an SVG rasterised in the child process is held to."""
    return {"limits": context.limits, "deadline": context.deadline}


def _needs_source_for_pad(step: Step) -> bool:
    return step.background is not None and step.background.kind == "blurred"


def run_step(image: Any, step: Step, context: ChainContext) -> Any:
    context.check_deadline()
    context.output = context.output.merged(step.output)
    context.used_unsharp = context.used_unsharp or step.unsharp is not None
    operations = None
    if image is None:
        image, operations = _load(step, context)
    if step.trim:
        image = trim(image, step.trim)
    if operations is None:
        operations = _geometry(step, image.width, image.height, context, lambda: image)
    image = _apply_geometry(image, operations, step)
    context.focus_point = None  # the stored focus area describes the original only
    image = orientation.rotate(image, step.rotate or 0, _colour_background(step), context.limits)
    image = orientation.flip(image, step.flip_horizontal, step.flip_vertical)
    image = _pixel_effects(image, step, context)
    image = _shape_and_frame(image, step, context)
    if step.layers and context.paint_layers is not None:
        image = context.paint_layers(image, step, context)
    return _bounded_depth(image, step, context)


def _bounded_depth(image: Any, step: Step, context: ChainContext) -> Any:
    """Hold the image in memory once enough operations are stacked on it.

    libvips pipelines are lazy: every operation wraps the one before, and both computing and
    freeing the image recurse through the whole graph. A few hundred chained blurs overflow
    the C stack of the thread and kill the process (docs/security.md); an image held in memory
    has no upstream, so the depth any render reaches stays bounded whatever the chain length.
    """
    context.pending_units += 1 + len(step_effects(step)) + 2 * len(step.layers)
    if context.pending_units < MATERIALISE_UNITS or context.single_pass:
        return image
    context.pending_units = 0.0
    return context.watch(image).copy_memory()


def _colour_background(step: Step) -> Any:
    if step.background is not None and step.background.kind == "colour":
        return step.background.colour
    return None


def _apply_geometry(image: Any, operations: list[Operation], step: Step) -> Any:
    source = image
    for operation in operations:
        if isinstance(operation, Pad):
            image = padded(image, source, operation, step.background)
        else:
            image = apply_operation(image, operation)
    return image


def _pixel_effects(image: Any, step: Step, context: ChainContext) -> Any:
    if step.contrast:
        image = effects.contrast(image)
    if step.grayscale:
        image = effects.grayscale(image)
    if step.colorize is not None:
        image = effects.colorize(image, step.colorize)
    if step.colour_replace is not None:
        image = effects.replace_colour(image, step.colour_replace)
    if step.sharpen is not None:
        image = effects.sharpen(image, step.sharpen)
    if step.unsharp is not None:
        image = effects.unsharp_mask(image, step.unsharp)
    if step.blur:
        image = effects.blur(image, step.blur)
    if step.distort is not None:
        image = distort(image, step.distort, context.limits)
    if step.gradient is not None:
        variables = context.variables(image.width, image.height)
        image = apply_gradient(image, step.gradient, variables)
    return image


def _shape_and_frame(image: Any, step: Step, context: ChainContext) -> Any:
    if step.radius is not None:
        image = shape.round_corners(image, step.radius)
    if step.border is not None:
        variables = context.variables(image.width, image.height)
        image = shape.add_border(image, step.border, variables, context.limits)
    if step.shadow is not None or step.ai_shadow is not None:
        if image.width * image.height > context.limits.max_shadow_pixels:
            raise limit_exceeded("e-shadow needs an input of at most 2 megapixels")
        image = drop_shadow(image, step.shadow) if step.shadow else image
        image = cast_shadow(image, step.ai_shadow) if step.ai_shadow else image
    if step.change_background is not None:
        image = shape.opacity_and_flatten(image, None, step.change_background)
    if step.opacity is not None or (step.background and not _has_pad(step)):
        image = shape.opacity_and_flatten(image, step.opacity, _colour_background(step))
    return image


def _has_pad(step: Step) -> bool:
    return (step.crop_mode or step.crop or "").startswith("pad")
