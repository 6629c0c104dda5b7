"""SVG to pixels in a child process that is killed at the render deadline.

librsvg renders a document in one call that libvips' kill flag cannot stop (measured: a
1.4 KB SVG of nested ``<use>`` ran 96 s past a 2 s deadline). Documents are first checked as
XML (``inspection.svg``: elements after ``<use>`` expansion, nesting, entities), then rendered
by ``svg_child.py`` in a subprocess, so a document that passes those checks and is still too
slow costs one killed process, not a render thread spinning forever (docs/security.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyvips

from imagekit_server.imaging.errors import limit_exceeded, unsupported
from imagekit_server.imaging.limits import Limits
from imagekit_server.inspection.svg import SvgError, SvgFacts, read_svg

_CHILD = str(Path(__file__).with_name("svg_child.py"))
_LIMIT_EXIT = 3


def check_svg(data: bytes, limits: Limits) -> SvgFacts:
    """Refuse (400) a document we will not hand to librsvg; its facts otherwise."""
    try:
        return read_svg(data, max_instances=limits.max_svg_elements)
    except SvgError as error:
        if error.over_limit:
            raise limit_exceeded(str(error)) from None
        raise unsupported(str(error)) from None


def svg_size(data: bytes) -> tuple[int, int]:
    """The size an SVG declares (0 x 0 when none, or when it is not one we would read)."""
    try:
        facts = read_svg(data)
    except SvgError:
        return 0, 0
    return facts.width or 0, facts.height or 0


def rasterise_svg(data: bytes, scale: float, limits: Limits, deadline: float) -> Any:
    """The SVG rendered at ``scale`` (1 = its own size) as a pyvips image in memory."""
    check_svg(data, limits)
    timeout = min(deadline - time.monotonic(), limits.max_processing_seconds)
    if timeout <= 0:
        raise limit_exceeded(f"processing took longer than {limits.max_processing_seconds:g} s")
    command = [sys.executable, "-I", _CHILD, repr(scale), str(limits.max_output_pixels)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:  # run() has killed and reaped the child
        raise limit_exceeded(
            f"rendering the SVG took longer than {limits.max_processing_seconds:g} s"
        ) from None
    if done.returncode == _LIMIT_EXIT:
        raise limit_exceeded(f"the SVG renders to more than {limits.max_output_pixels} pixels")
    if done.returncode != 0:
        raise unsupported("the SVG cannot be rendered")
    header_line, _, pixels = done.stdout.partition(b"\n")
    header = json.loads(header_line)
    image = pyvips.Image.new_from_memory(
        pixels, header["width"], header["height"], header["bands"], "uchar"
    )
    return image.copy(interpretation="srgb" if header["bands"] >= 3 else "b-w").copy_memory()
