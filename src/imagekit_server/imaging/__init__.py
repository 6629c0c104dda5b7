"""The image transformation engine: parse ImageKit transformation strings, render with pyvips.

Typical use by the delivery layer::

    plan = parse_transformation("w-300,h-200:rt-90")
    rendered = await run_in_pool(render, source, plan, accept=accept, limits=Limits())
"""

from __future__ import annotations

from imagekit_server.imaging.encode import OutputDefaults
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.imaging.limits import Limits
from imagekit_server.imaging.loading import SourceInfo, inspect_source
from imagekit_server.imaging.negotiate import accepted_types, is_negotiated, negotiate_format
from imagekit_server.imaging.parser import parse_transformation
from imagekit_server.imaging.plan import OutputOptions, Plan
from imagekit_server.imaging.pool import run_in_pool, shutdown_pool
from imagekit_server.imaging.render import Rendered, render
from imagekit_server.imaging.sizes import ClientHints
from imagekit_server.libvips import error_decoding  # noqa: F401  (before any pyvips call)

__all__ = [
    "ClientHints",
    "Limits",
    "OutputDefaults",
    "OutputOptions",
    "Plan",
    "Rendered",
    "SourceInfo",
    "TransformationError",
    "accepted_types",
    "inspect_source",
    "is_negotiated",
    "negotiate_format",
    "parse_transformation",
    "render",
    "run_in_pool",
    "shutdown_pool",
]
