"""``transformation.pre`` on upload: the image is transformed by the imaging engine before it
is stored, and the stored original is the result (docs/reference/api.md §4.1.1). A video is
transcoded by ``video/pre_transformation.py`` instead (docs/video.md)."""

from __future__ import annotations

from pathlib import Path

from imagekit_server.context import ServerContext
from imagekit_server.errors import BadRequest
from imagekit_server.imaging import TransformationError, parse_transformation, render
from imagekit_server.renditions.variants import render_limits
from imagekit_server.runtime.spool import SpoolArea
from imagekit_server.settings import Settings
from imagekit_server.video.pre_transformation import (
    PreTransformationRefused,
    transform_video_upload,
)
from imagekit_server.video.probe import VideoRefused


def apply_upload_pre_transformation(
    context: ServerContext, account_id: str, chain: str, source: Path, file_name: str
) -> Path:
    """The upload transformed by ``chain`` in a new spool file (the caller removes
    ``source``): a video by the transcoder, anything else by the image engine. Blocking, in
    the upload's worker thread. Raises ``BadRequest``."""
    try:
        video = transform_video_upload(context, account_id, chain, source, file_name)
    except VideoRefused as refused:
        raise BadRequest(str(refused)) from None
    except PreTransformationRefused as refused:
        raise BadRequest(f"Invalid pre-transformation {chain!r}: {refused}") from None
    if video is not None:
        return video
    return apply_pre_transformation(chain, source, settings=context.settings, spool=context.spool)


def apply_pre_transformation(
    chain: str, source: Path, *, settings: Settings, spool: SpoolArea
) -> Path:
    """The transformed image in a new spool file (the caller removes ``source``). Blocking;
    the source is bounded by the upload size and pixel limits."""
    try:
        plan = parse_transformation(chain)
        rendered = render(source.read_bytes(), plan, accept=None, limits=render_limits(settings))
    except TransformationError as exc:
        raise BadRequest(f"Invalid pre-transformation {chain!r}: {exc.message}") from exc
    target = spool.new_path()
    target.write_bytes(rendered.data)
    return target
