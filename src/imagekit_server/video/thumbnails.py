"""Image transformations chained on a video thumbnail (``tr:so-2,w-200`` on
``ik-thumbnail.jpg``): the frame goes through the image renderer like any JPEG."""

from __future__ import annotations

from imagekit_server.context import ServerContext
from imagekit_server.imaging import parse_transformation, render, run_in_pool
from imagekit_server.imaging.errors import TransformationError

_FORMATS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}


def thumbnail_format(extra: tuple[str, ...]) -> str:
    """The thumbnail's file format: JPEG unless a chained ``f-`` asks for another (the last
    one wins, as in image chains)."""
    chosen = "jpg"
    for step in extra:
        for param in step.split(","):
            if param.startswith("f-"):
                chosen = _FORMATS.get(param[2:], "jpg")
    return chosen


def _no_layers(path: str) -> bytes:
    raise LookupError(path)


async def finish_thumbnail(
    context: ServerContext, frame_jpeg: bytes, extra: tuple[str, ...]
) -> bytes:
    """``frame_jpeg`` with the image steps ``extra`` applied (JPEG out unless ``f-`` says
    otherwise). Raises ``TransformationError``."""
    if not extra:
        return frame_jpeg
    from imagekit_server.renditions.variants import render_limits

    plan = parse_transformation(":".join(extra), resolve_named=None, ignore_unsupported=False)
    rendered = await run_in_pool(
        render,
        frame_jpeg,
        plan,
        accept=None,
        limits=render_limits(context.settings),
        load_image=_no_layers,
    )
    if not rendered.content_type.startswith("image/"):
        raise TransformationError(400, "EINVALIDTRANSFORMATION", "the thumbnail is not an image")
    return rendered.data
