"""``transformation.pre`` on upload: the image is transformed by the imaging engine before it
is stored, and the stored original is the result (docs/reference/api.md §4.1.1)."""

from __future__ import annotations

from pathlib import Path

from imagekit_server.errors import BadRequest
from imagekit_server.imaging import TransformationError, parse_transformation, render
from imagekit_server.renditions.variants import render_limits
from imagekit_server.runtime.spool import SpoolArea
from imagekit_server.settings import Settings


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
