"""Prepare a video plan's layers for the render process (layers.py): picture layers and
rounded corners are drawn as full-frame RGBA pictures by the image engine, in the server
process on the imaging threads; the files of video layers are put on local disk."""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyvips
import sqlalchemy as sa
from anyio import to_thread

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import file_versions
from imagekit_server.imaging import parse_transformation, render, run_in_pool
from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.errors import TransformationError, processing_failed
from imagekit_server.renditions.chain import Chain, layer_file_path, parsed_chain
from imagekit_server.renditions.file_lookup import FileRow, find_file, load_file_row
from imagekit_server.renditions.variants import check_layer_access, render_limits
from imagekit_server.storage import BlobNotFound
from imagekit_server.video.geometry import pictures_of, resolved_steps, step_sizes
from imagekit_server.video.layers import VideoLayer
from imagekit_server.video.outputs import LayerVideo, Overlay, Slot
from imagekit_server.video.plan import VideoPlan
from imagekit_server.video.sources import probed_size, source_path
from imagekit_server.video.subtitles import MAX_BYTES, cues_within, parse_cues


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
            if layer.reads_file:
                row = await _layer_file(context, account_id, layer, signed)
                versions.append(row.etag if row is not None else "missing")
                continue
            chain = _chain(layer.chain)
            await check_layer_access(context, account_id, chain, signed)
            for path in chain.layer_files:
                found = await find_file(context, account_id, path)
                versions.append(found.etag if found is not None else "missing")
    return ",".join(versions)


async def _layer_file(
    context: ServerContext, account_id: str, layer: VideoLayer[VideoPlan], signed: bool
) -> FileRow | None:
    """The file of a video or subtitle layer; as for image layers, an unsigned URL may not
    read a private or unpublished file through it."""
    row = await find_file(context, account_id, layer.path)
    if row is None or signed:
        return row
    if not row.is_published:
        raise TransformationError(404, "ENOENT", f"layer file '{layer.path}' not found")
    if row.is_private:
        raise TransformationError(
            401, "EUNAUTHORIZED", f"layer file '{layer.path}' is private: the URL must be signed"
        )
    return row


async def draw_overlays(
    context: ServerContext, account_id: str, row: FileRow, plan: VideoPlan, scratch: Path
) -> tuple[Slot, ...]:
    """One slot per corner picture and layer, in the order geometry.chain_filters places them;
    layer files are copied under ``scratch`` when the store is not on local disk."""
    if not any(pictures_of(step) for step in plan.steps):
        return ()
    width, height, duration = await to_thread.run_sync(_probed, context, row)
    window = trim_window(plan, duration) if _has_subtitles(plan) else None
    return await overlays_for_size(context, account_id, plan, (width, height), scratch, window)


async def overlays_for_size(
    context: ServerContext,
    account_id: str,
    plan: VideoPlan,
    size: tuple[int, int],
    scratch: Path,
    window: tuple[float, float] | None = None,
) -> tuple[Slot, ...]:
    """``draw_overlays`` for a source of that upright size (an upload not yet stored).
    ``window``: the source seconds the render keeps (so/eo/du), when known: subtitle cues
    outside it are not drawn."""
    width, height = size
    sizes = step_sizes(plan.steps, width, height)
    slots: list[Slot] = []
    for step, (step_width, step_height) in zip(plan.steps, sizes, strict=True):
        if step.radius is not None:
            corners = await run_in_pool(
                corner_picture, step_width, step_height, step.radius, step.background
            )
            slots.append((Overlay(corners),))
        for layer in step.layers:
            if layer.kind == "video":
                slots.append((await _video(context, account_id, layer, scratch, len(slots)),))
                continue
            if layer.kind == "subtitles":
                frame = (step_width, step_height)
                slots.append(await _subtitles(context, account_id, layer, frame, window))
                continue
            picture = await run_in_pool(
                _draw, context, account_id, layer.chain, step_width, step_height
            )
            slots.append((Overlay(picture, timing=layer.timing),))
    return tuple(slots)


async def _video(
    context: ServerContext, account_id: str, layer: VideoLayer[VideoPlan], scratch: Path, index: int
) -> Overlay:
    found = await find_file(context, account_id, layer.path)
    if found is None:
        raise TransformationError(404, "ENOENT", f"layer file '{layer.path}' not found")
    if not found.mime.startswith("video/") and found.mime != "image/gif":
        raise TransformationError(
            400, "EINVALIDTRANSFORMATION", f"l-video input '{layer.path}' is not a video"
        )
    folder = scratch / f"layer-{index}"
    await to_thread.run_sync(lambda: folder.mkdir(exist_ok=True))
    try:
        path = await to_thread.run_sync(source_path, context, found, folder)
    except BlobNotFound:
        raise TransformationError(404, "ENOENT", f"layer file '{layer.path}' is missing") from None
    assert layer.plan is not None
    video = LayerVideo(str(path), layer.plan, layer.placement, layer.radius)
    return Overlay(video=video, timing=layer.timing)


_CUE_PARTS = 4


async def _subtitles(
    context: ServerContext,
    account_id: str,
    layer: VideoLayer[VideoPlan],
    frame: tuple[int, int],
    window: tuple[float, float] | None,
) -> Slot:
    """The cues of the layer's file that can show in ``window`` (source seconds), drawn;
    the layer's lso/leo/ldu limit them further."""
    found = await find_file(context, account_id, layer.path)
    if found is None:
        raise TransformationError(404, "ENOENT", f"layer file '{layer.path}' not found")
    try:
        stat = await to_thread.run_sync(context.store.stat, found.blob_key)
        if stat is None:
            raise BlobNotFound(found.blob_key)
        if stat.size > MAX_BYTES:
            raise TransformationError(
                400, "EINVALIDTRANSFORMATION", f"the subtitle file is over {MAX_BYTES // 1024} KiB"
            )
        data = await to_thread.run_sync(context.store.get_bytes, found.blob_key)
    except BlobNotFound:
        raise TransformationError(404, "ENOENT", f"layer file '{layer.path}' is missing") from None
    cues = cues_within(parse_cues(data), layer_span(layer, window))
    assert layer.style is not None
    # loaded only when a video has subtitles (the text-layer code it draws with is large).
    from imagekit_server.video.subtitle_pictures import cue_pictures

    # Drawn in a few parts at once on the imaging threads (text rendering releases the GIL);
    # a text seen again stays in one part, so it is drawn once.
    parts = min(_CUE_PARTS, len(cues))
    owners = [zlib.crc32(cue.text.encode()) % parts for cue in cues]
    drawn = await asyncio.gather(
        *(
            run_in_pool(
                cue_pictures,
                layer.style,
                tuple(cue for cue, owner in zip(cues, owners, strict=True) if owner == part),
                frame,
                lambda path: _load(context, account_id, path),
                render_limits(context.settings).font_directory,
            )
            for part in range(parts)
        )
    )
    pictures = [iter(part) for part in drawn]
    return tuple(replace(next(pictures[owner]), timing=layer.timing) for owner in owners)


def trim_window(plan: VideoPlan, duration: float | None) -> tuple[float, float] | None:
    """The source seconds ``plan`` keeps (so/eo/du) for a video of ``duration``; None when the
    duration is unknown or the trim leaves nothing (the render says so)."""
    if not duration or duration == float("inf"):
        return None
    try:
        return plan.window(duration)
    except TransformationError:
        return None


def layer_span(
    layer: VideoLayer[VideoPlan], window: tuple[float, float] | None
) -> tuple[float, float] | None:
    """The source seconds a layer shows in: ``window`` narrowed by its lso/leo/ldu (output
    seconds, from the window's start)."""
    if window is None:
        return None
    start, end = window
    shown = layer.timing.window(end - start)
    if shown is None:
        return window
    return start + shown[0], min(end, start + shown[1])


def _has_subtitles(plan: VideoPlan) -> bool:
    return any(layer.kind == "subtitles" for step in plan.steps for layer in step.layers)


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


async def decided(context: ServerContext, row: FileRow, plan: VideoPlan) -> VideoPlan:
    """``plan`` with its ``if-`` blocks decided by the video's upright size and duration."""
    if not plan.has_branches:
        return plan
    width, height, duration = await to_thread.run_sync(_facts, context, row)
    return replace(plan, steps=resolved_steps(plan.steps, width, height, duration))


def _facts(context: ServerContext, row: FileRow) -> tuple[int, int, float]:
    with read_transaction(context.engine) as conn:
        found: Any = conn.execute(
            sa.select(
                file_versions.c.width, file_versions.c.height, file_versions.c.duration
            ).where(file_versions.c.blob_key == row.blob_key)
        ).first()
    if found is None or not found.width or not found.height:
        raise processing_failed("the video's size is unknown; upload it again")
    return int(found.width), int(found.height), float(found.duration or 0.0)


def display_size(context: ServerContext, row: FileRow) -> tuple[int, int]:
    """The upright size probed on upload."""
    width, height, _ = _probed(context, row)
    return width, height


def _probed(context: ServerContext, row: FileRow) -> tuple[int, int, float | None]:
    """The upright size and the duration probed on upload (an origin's copy: its size probed
    now, its duration unknown)."""
    columns = file_versions.c
    with read_transaction(context.engine) as conn:
        found: Any = conn.execute(
            sa.select(columns.width, columns.height, columns.duration).where(
                columns.blob_key == row.blob_key
            )
        ).first()
    if found is None:  # an origin's copy (origins/cache.py): probed when it is rendered
        return (*probed_size(context, row), None)
    if not found.width or not found.height:
        raise processing_failed("the video's size is unknown; upload it again")
    return int(found.width), int(found.height), float(found.duration or 0) or None
