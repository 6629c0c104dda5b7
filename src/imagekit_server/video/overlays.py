"""Draw a video plan's layers as full-frame RGBA pictures with the image engine (layers.py):
in the server process, on the imaging threads, before the render process gets them."""

from __future__ import annotations

from typing import Any

import pyvips
import sqlalchemy as sa
from anyio import to_thread

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import file_versions
from imagekit_server.delivery.chain import Chain, layer_file_path, parsed_chain
from imagekit_server.delivery.file_lookup import FileRow, find_file, load_file_row
from imagekit_server.delivery.transformed import check_layer_access, render_limits
from imagekit_server.imaging import parse_transformation, render, run_in_pool
from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.errors import TransformationError, processing_failed
from imagekit_server.storage import BlobNotFound
from imagekit_server.video.geometry import pictures_of, step_sizes
from imagekit_server.video.outputs import Overlay
from imagekit_server.video.plan import VideoPlan
from imagekit_server.video.sources import probed_size


def _chain(text: str) -> Chain:
    chain = parsed_chain(text)
    if isinstance(chain, TransformationError):
        raise chain
    return chain


async def layer_versions(
    context: ServerContext, account_id: str, plan: VideoPlan, signed: bool
) -> str:
    """The versions of the files the layers read (part of the rendition's name, so a new
    version of a layer file renders anew); checks that an unsigned URL may read them."""
    versions = []
    for step in plan.steps:
        for layer in step.layers:
            chain = _chain(layer.chain)
            await check_layer_access(context, account_id, chain, signed)
            for path in chain.layer_files:
                row = await find_file(context, account_id, path)
                versions.append(row.etag if row is not None else "missing")
    return ",".join(versions)


async def draw_overlays(
    context: ServerContext, account_id: str, row: FileRow, plan: VideoPlan
) -> tuple[Overlay, ...]:
    if not any(pictures_of(step) for step in plan.steps):
        return ()
    width, height = await to_thread.run_sync(display_size, context, row)
    return await overlays_for_size(context, account_id, plan, width, height)


async def overlays_for_size(
    context: ServerContext, account_id: str, plan: VideoPlan, width: int, height: int
) -> tuple[Overlay, ...]:
    """``draw_overlays`` for a source of that upright size (an upload not yet stored)."""
    sizes = step_sizes(plan.steps, width, height)
    overlays: list[Overlay] = []
    for step, (step_width, step_height) in zip(plan.steps, sizes, strict=True):
        if step.radius is not None:
            corners = await run_in_pool(
                corner_picture, step_width, step_height, step.radius, step.background
            )
            overlays.append((corners, None))
        for layer in step.layers:
            picture = await run_in_pool(
                _draw, context, account_id, layer.chain, step_width, step_height
            )
            overlays.append((picture, layer.enable()))
    return tuple(overlays)


def corner_picture(width: int, height: int, radius: float, colour: Colour) -> bytes:
    """An RGBA PNG: ``colour`` outside a rounded rectangle of the frame's size (``radius`` -1:
    a half of the shorter side), transparent inside; antialiased over one pixel."""
    import numpy as np  # not needed to serve anything else

    limit = min(width, height) / 2
    r = limit if radius < 0 else min(radius, limit)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    dx = np.maximum(np.maximum(r - xs, xs - (width - r)), 0)
    dy = np.maximum(np.maximum(r - ys, ys - (height - r)), 0)
    outside = np.clip(np.hypot(dx, dy) - r + 0.5, 0, 1)
    pixels = np.empty((height, width, 4), np.uint8)
    pixels[..., :3] = (colour.red, colour.green, colour.blue)
    pixels[..., 3] = (outside * 255).astype(np.uint8)
    image = pyvips.Image.new_from_array(pixels).copy(interpretation="srgb")
    data: bytes = image.pngsave_buffer(compression=1)
    return data


def _draw(context: ServerContext, account_id: str, chain: str, width: int, height: int) -> bytes:
    canvas = pyvips.Image.black(width, height, bands=4).copy(interpretation="srgb")
    image_plan = parse_transformation(f"{chain},f-png")
    rendered = render(
        canvas.pngsave_buffer(compression=1),
        image_plan,
        accept=None,
        limits=render_limits(context.settings),
        load_image=lambda path: _load(context, account_id, path),
    )
    if rendered.content_type != "image/png":
        raise processing_failed("a layer could not be drawn")
    return rendered.data


def _load(context: ServerContext, account_id: str, path: str) -> bytes:
    row = load_file_row(context, account_id, layer_file_path(path))
    if row is None:
        raise LookupError(path)
    try:
        return context.store.get_bytes(row.blob_key)
    except BlobNotFound:
        raise LookupError(path) from None


def display_size(context: ServerContext, row: FileRow) -> tuple[int, int]:
    """The upright size probed on upload."""
    with read_transaction(context.engine) as conn:
        found: Any = conn.execute(
            sa.select(file_versions.c.width, file_versions.c.height).where(
                file_versions.c.blob_key == row.blob_key
            )
        ).first()
    if found is None:  # an origin's copy (origins/cache.py): probed when it is rendered
        return probed_size(context, row)
    if not found.width or not found.height:
        raise processing_failed("the video's size is unknown; upload it again")
    return int(found.width), int(found.height)
