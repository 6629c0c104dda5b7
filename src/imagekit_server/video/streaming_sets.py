"""Adaptive streaming sets (streaming.py): the representations of one ``sr-`` set are rendered
together (in parallel render processes, once across processes by the lease on the set's index).
The URL endpoint serves them in delivery/video_streaming.py; upload post-transformations warm
them (eager.py)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import replace
from pathlib import Path

from anyio import to_thread

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.imaging.errors import invalid
from imagekit_server.renditions.derived_cache import derived_key, variant_hash
from imagekit_server.renditions.derived_ledger import derived_ledger
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.runtime.single_flight import SingleFlight
from imagekit_server.storage import BlobNotFound
from imagekit_server.video.leases import claim_or_wait, release
from imagekit_server.video.outputs import Outcome, RenderLimits, finished_within
from imagekit_server.video.overlays import decided, display_size, draw_overlays, layer_versions
from imagekit_server.video.plan import Geometry, VideoPlan
from imagekit_server.video.pool import run_in_render_process
from imagekit_server.video.sources import source_path
from imagekit_server.video.streaming import (
    SEGMENT_SECONDS,
    Representation,
)

STREAMING_KINDS = frozenset({"hls", "dash", "hls-media", "abs-file"})
_inflight: SingleFlight[str, Outcome] = SingleFlight()
_TYPES = {"hls": "application/vnd.apple.mpegurl", "dash": "application/dash+xml"}


async def ensure_set(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    *,
    signed: bool,
    wait: float | None,
) -> tuple[str, list[Representation]] | None:
    """The set's name and index, rendered first if needed; None when it is not ready within
    ``wait`` seconds. Raises ``TransformationError``."""
    if not plan.representations:
        raise invalid("adaptive streaming needs sr-<height>_<height>... (e.g. sr-240_360_480)")
    plan = replace(await decided(context, row, plan), format="mp4", video_codec="h264")
    layers = await layer_versions(context, account.id, plan, signed)
    name = variant_hash(row.etag, f"abs:{plan.key()}:{layers}", "abs")
    index_key = derived_key(account.id, row.file_id, f"v{name}.json")
    index = await _load_index(context, index_key)
    if index is None:
        work = _inflight.start(
            index_key, lambda: _produce(context, account, row, plan, name, index_key)
        )
        if not await finished_within(work, wait):
            return None
        index = await _load_index(context, index_key)
        if index is None:
            return None
    return name, index


async def _load_index(context: ServerContext, key: str) -> list[Representation] | None:
    try:
        data = await to_thread.run_sync(context.store.get_bytes, key)
    except BlobNotFound:
        return None
    return [Representation.from_json(item) for item in json.loads(data)]


async def _produce(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    name: str,
    index_key: str,
) -> Outcome:
    if not await claim_or_wait(context, index_key):
        return "ok", {}
    try:
        return await _render_set(context, account, row, plan, name, index_key)
    finally:
        await to_thread.run_sync(release, context, index_key)


async def _render_set(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    name: str,
    index_key: str,
) -> Outcome:
    from imagekit_server.video.jobs import representation_job  # render processes only

    settings = context.settings
    _, source_height = await to_thread.run_sync(display_size, context, row)
    heights = [h for h in plan.representations if h <= source_height] or [source_height]
    limits = RenderLimits(
        max_output_side=settings.video_max_output_dimension,
        max_seconds=settings.video_render_timeout_seconds,
        max_duration=settings.video_max_duration_seconds,
        segment_seconds=SEGMENT_SECONDS,
    )
    with tempfile.TemporaryDirectory(prefix="ik-abs-") as scratch:
        overlays = await draw_overlays(context, account.id, row, plan, Path(scratch))
        try:
            source = await to_thread.run_sync(source_path, context, row, Path(scratch))
        except BlobNotFound:
            return "error", (404, "ENOENT", "the file's bytes are missing")
        outputs = [Path(scratch) / f"{height}.mp4" for height in heights]
        outcomes = await asyncio.gather(
            *(
                run_in_render_process(
                    settings,
                    representation_job,
                    str(source),
                    str(output),
                    replace(plan, steps=(*plan.steps, Geometry(height=height))),
                    limits,
                    overlays,
                )
                for height, output in zip(heights, outputs, strict=True)
            )
        )
        failed = next((outcome for outcome in outcomes if outcome[0] == "error"), None)
        if failed is not None:
            return failed
        index = []
        for height, output, outcome in zip(heights, outputs, outcomes, strict=True):
            blob = f"v{name}-{height}.mp4"
            await to_thread.run_sync(
                context.store.put_file, derived_key(account.id, row.file_id, blob), output
            )
            derived_ledger(context).saved(account.id, row.file_id, blob, output.stat().st_size)
            index.append({**outcome[1], "height": height})
    # The index goes last: its presence means the whole set is stored.
    await to_thread.run_sync(context.store.put_bytes, index_key, json.dumps(index).encode())
    return "ok", {}
