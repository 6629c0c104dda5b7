"""`render`: source bytes + Plan -> encoded image, with limits and a processing deadline."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyvips

from imagekit_server.imaging.animation import join_frames, load_frames, transform_frames
from imagekit_server.imaging.encode import OutputDefaults, encode, has_real_alpha
from imagekit_server.imaging.errors import (
    TransformationError,
    invalid,
    limit_exceeded,
    processing_failed,
)
from imagekit_server.imaging.geometry import FocusPoint
from imagekit_server.imaging.layers_render import paint_layers
from imagekit_server.imaging.limits import Limits
from imagekit_server.imaging.loading import SourceInfo, inspect_source, is_svg
from imagekit_server.imaging.negotiate import (
    content_type,
    fallback_formats,
    is_negotiated,
    negotiate_format,
)
from imagekit_server.imaging.parser import parse_transformation
from imagekit_server.imaging.pipeline import ChainContext, is_single_pass, run_chain
from imagekit_server.imaging.plan import Plan, Step
from imagekit_server.imaging.sizes import ClientHints
from imagekit_server.imaging.svg_raster import svg_size
from imagekit_server.imaging.vips_setup import configure_libvips
from imagekit_server.imaging.workload import check_cost, check_structure, measure

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    data: bytes
    content_type: str
    format: str  # jpeg, png, webp, avif, gif (or the source format for orig / SVG pass-through)
    width: int
    height: int
    vary_accept: bool


def render(
    source: bytes,
    plan: Plan,
    *,
    accept: str | None,
    limits: Limits,
    resolve_named: Callable[[str], str] | None = None,
    load_image: Callable[[str], bytes] | None = None,
    hints: ClientHints | None = None,
    defaults: OutputDefaults | None = None,
    custom_focus: tuple[int, int, int, int] | None = None,
) -> Rendered:
    """Render ``plan`` on ``source``. Raises only :class:`TransformationError`.

    ``load_image(path)`` returns the bytes of another file of the account (image layers);
    ``hints`` carries client-hint headers for `w-auto` / `dpr-auto`; ``custom_focus`` is the
    file's stored focus area (x, y, width, height in original pixels) used by `fo-custom`.
    """
    configure_libvips()
    if plan.named:
        if resolve_named is None:
            raise invalid(f"named transformation '{plan.named[0]}' does not exist")
        plan = parse_transformation(
            plan.text, resolve_named=resolve_named, ignore_unsupported=bool(plan.ignored)
        )
    if plan.original:
        return _original(source)
    workload = measure(plan.steps)
    check_structure(workload, limits)  # before even the header is read
    info = inspect_source(source, limits)
    check_cost(workload, limits, info.width * info.height * max(info.pages, 1))
    if info.format == "svg" and plan.output.format in {None, "auto"}:
        return Rendered(source, info.content_type, "svg", info.width, info.height, False)
    context = ChainContext(
        source=source,
        info=info,
        limits=limits,
        hints=hints or ClientHints(),
        deadline=time.monotonic() + limits.max_processing_seconds,
        paint_layers=paint_layers,
        load_image=load_image,
        single_pass=is_single_pass(plan.steps),
        focus_point=_focus_point(custom_focus, info),
    )
    try:
        return _render(plan, context, accept, defaults or OutputDefaults())
    except (pyvips.Error, UnicodeDecodeError) as error:
        if time.monotonic() > context.deadline:
            raise limit_exceeded(
                f"processing took longer than {limits.max_processing_seconds:g} s"
            ) from None
        raise processing_failed(f"image processing failed: {_first_line(error)}") from None
    except TransformationError:
        raise
    except Exception:
        # The contract is "only TransformationError"; an unexpected bug becomes a logged 500.
        logger.exception("unexpected failure while rendering %r", plan.text)
        raise processing_failed("image processing failed") from None


def _first_line(error: pyvips.Error | UnicodeDecodeError) -> str:
    message = error.message if isinstance(error, pyvips.Error) else None
    return str(message).splitlines()[0] if message else "unknown error"


def _render(
    plan: Plan, context: ChainContext, accept: str | None, defaults: OutputDefaults
) -> Rendered:
    animated = context.info.animated and _keeps_animation(plan)
    if animated:
        frames, timing = load_frames(context.source)
        focus = context.focus_point

        def transform(frame: Any) -> Any:
            context.focus_point = focus  # every frame starts from the original
            return run_chain(plan.steps, context, frame)

        frames = transform_frames(frames, transform)
        frame_width, frame_height = frames[0].width, frames[0].height
        context.limits.check_output_size(frame_width, frame_height * len(frames))
        image = join_frames(frames, timing)
    else:
        image = run_chain(plan.steps, context)
        frame_width, frame_height = image.width, image.height
        context.limits.check_output_size(image.width, image.height)
    negotiated = is_negotiated(context.output.format)
    alpha = False
    if image.hasalpha():
        image = context.watch(image).copy_memory()
        alpha = has_real_alpha(image)
    format_name = negotiate_format(
        accept,
        context.info.format,
        alpha,
        requested=context.output.format,
        width=frame_width,
        height=frame_height,
        auto_avif=defaults.auto_avif,
        avoid_avif=bool(context.output.colour_profile) or context.used_unsharp,
        animated=animated,
    )
    candidates = [format_name]
    if negotiated and not animated and defaults.format_strategy == "smallest":
        candidates += fallback_formats(accept, alpha, frame_width, frame_height, format_name)
    format_name, data = _smallest_encoding(image, candidates, context, defaults)
    return Rendered(
        data, content_type(format_name), format_name, frame_width, frame_height, negotiated
    )


def _smallest_encoding(
    image: Any, candidates: list[str], context: ChainContext, defaults: OutputDefaults
) -> tuple[str, bytes]:
    """Encode in each candidate format (the first is preferred on ties); keep the smallest."""
    if len(candidates) > 1:
        image = context.watch(image).copy_memory()
    best: tuple[str, bytes] | None = None
    for format_name in candidates:
        data = encode(context.watch(image), format_name, context.output, defaults)
        if best is None or len(data) < len(best[1]):
            best = (format_name, data)
    assert best is not None
    return best


def _focus_point(box: tuple[int, int, int, int] | None, info: SourceInfo) -> FocusPoint | None:
    if box is None:
        return None
    x, y, width, height = box
    return (x + width / 2) / info.width, (y + height / 2) / info.height


def _keeps_animation(plan: Plan) -> bool:
    """Animated output unless a static format or a single page was asked for."""
    pages = any(isinstance(node, Step) and node.page is not None for node in plan.steps)
    return not pages and plan.output.format in {None, "auto", "gif", "webp", "orig"}


def _original(source: bytes) -> Rendered:
    if is_svg(source):  # its size as written; nothing is rendered for `orig-true`
        width, height = svg_size(source)
        return Rendered(source, "image/svg+xml", "svg", width, height, False)
    permissive = Limits(
        max_source_bytes=len(source) + 1,
        max_source_pixels=2**62,
        allow_svg=True,
        allow_pdf=True,
        max_vector_bytes=len(source) + 1,
    )
    try:
        info: SourceInfo | None = inspect_source(source, permissive)
    except TransformationError:
        info = None
    if info is None:
        return Rendered(source, "application/octet-stream", "unknown", 0, 0, False)
    return Rendered(source, info.content_type, info.format, info.width, info.height, False)
