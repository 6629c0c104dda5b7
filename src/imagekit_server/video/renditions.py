"""Video renditions (``tr:`` on a video), thumbnails (``<video>/ik-thumbnail.jpg``) and GIF
to video (``f-mp4`` on a GIF), with no HTTP in sight (docs/video.md). The URL endpoint answers
with them in delivery/video_source.py; upload post-transformations warm them (eager.py).

A rendition is rendered once (single flight in the process), in a render process, into the
derived cache under the file's prefix (so purges and deletions drop it). ``ensure_rendition``
waits up to ``wait`` seconds for a new one; past that the caller answers with ImageKit's
intermediate response while the render goes on.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from anyio import to_thread

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.renditions.derived_cache import derived_key, response_etag, variant_hash
from imagekit_server.renditions.derived_ledger import derived_ledger
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.runtime.single_flight import SingleFlight
from imagekit_server.storage import BlobNotFound
from imagekit_server.video.events import Trigger, send_video_event, video_event
from imagekit_server.video.leases import claim_or_wait, release
from imagekit_server.video.outputs import (
    Outcome,
    RenderLimits,
    finished_within,
    output_container,
)
from imagekit_server.video.overlays import decided, draw_overlays, layer_versions
from imagekit_server.video.plan import VideoPlan
from imagekit_server.video.pool import run_in_render_process
from imagekit_server.video.requests import VideoRequest
from imagekit_server.video.sources import source_path
from imagekit_server.video.thumbnails import finish_thumbnail, thumbnail_format

_inflight: SingleFlight[str, Outcome] = SingleFlight()


@dataclass(frozen=True)
class Stored:
    """A rendition in the blob store."""

    key: str
    blob: str  # its name under the file's derived prefix
    size: int
    content_type: str
    etag: str


async def ensure_rendition(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    *,
    signed: bool,
    url: str,
    wait: float | None,
    trigger: Trigger | None = None,
) -> Stored | None:
    """The stored rendition, rendered first if needed; None when it is not ready within
    ``wait`` seconds (the render goes on). ``trigger``: the request asking, named in the
    render's webhook events. Raises ``TransformationError``."""
    plan = await decided(context, row, plan)
    if wanted.kind == "thumbnail":
        suffix = thumbnail_format(plan.extra)
        content_type = f"image/{'jpeg' if suffix == 'jpg' else suffix}"
    else:
        suffix = output_container(plan)
        content_type = f"video/{suffix}"
    layers = await layer_versions(context, account.id, plan, signed)
    name = variant_hash(row.etag, f"{wanted.kind}:{plan.key()}:{plan.extra}:{layers}", suffix)
    blob = f"v{name}.{suffix}"
    key = derived_key(account.id, row.file_id, blob)
    found = await to_thread.run_sync(context.store.stat, key)
    if found is None:
        work = _inflight.start(
            key, lambda: _produce(url, context, account, row, plan, wanted, key, trigger)
        )
        if not await finished_within(work, wait):
            return None
        found = await to_thread.run_sync(context.store.stat, key)
        if found is None:
            raise TransformationError(500, "UNIDENTIFIED", "the rendition was not stored")
    return Stored(key, blob, found.size, content_type, response_etag(name, content_type))


def resolved_format(plan: VideoPlan, row: FileRow) -> VideoPlan:
    """``f-orig`` and no ``f-``: WebM stays WebM (unless ``vc-h264``), anything else is MP4."""
    if plan.format not in (None, "orig"):
        return plan
    webm = row.mime == "video/webm" and plan.video_codec != "h264"
    return with_format(plan, "webm" if webm or plan.video_codec == "vp9" else "mp4")


def with_format(plan: VideoPlan, container: str) -> VideoPlan:
    return replace(plan, format=container)


async def _produce(
    url: str,
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    key: str,
    trigger: Trigger | None,
) -> Outcome:
    settings = context.settings
    asset = f"{settings.url_endpoint(account.id)}{quote(wanted.file_path, safe='/')}"
    if not await claim_or_wait(context, key):
        return "ok", {}  # another process rendered it
    options = _event_options(plan)
    notify = wanted.kind == "video"  # ImageKit's video events are for video outputs
    if notify:
        accepted = video_event("accepted", url, asset, options, trigger)
        await send_video_event(context, account.id, accepted)
    began = time.monotonic()
    try:
        outcome = await _render_and_store(context, account, row, plan, wanted, key)
    finally:
        await to_thread.run_sync(release, context, key)
    if notify and outcome[0] == "ok":
        done = outcome[1]
        metadata = {key: done[key] for key in ("duration", "width", "height")}
        output = {"url": url, "video_metadata": {**metadata, "bitrate": done["bit_rate"]}}
        encoding = round((time.monotonic() - began) * 1000)
        timings = {"download_duration": 0, "encoding_duration": encoding}
        ready = video_event("ready", url, asset, options, trigger, output=output, timings=timings)
        await send_video_event(context, account.id, ready)
    elif notify:
        error = {"reason": "encoding_failed", "message": outcome[1][2]}
        failed = video_event("error", url, asset, options, trigger, error=error)
        await send_video_event(context, account.id, failed)
    return outcome


async def _render_and_store(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    key: str,
) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="ik-video-") as scratch:
        try:
            source = await to_thread.run_sync(source_path, context, row, Path(scratch))
        except BlobNotFound:
            return "error", (404, "ENOENT", "the file's bytes are missing")
        output = Path(scratch) / f"out.{key.rpartition('.')[2]}"
        outcome = await _render(context, account, row, plan, wanted, str(source), str(output))
        if outcome[0] == "ok":
            await to_thread.run_sync(context.store.put_file, key, output)
            size = output.stat().st_size
            derived_ledger(context).saved(account.id, row.file_id, key.rpartition("/")[2], size)
    return outcome


async def _render(
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    source: str,
    output: str,
) -> Outcome:
    from imagekit_server.video.jobs import thumbnail_job, transcode_job  # render processes only

    settings = context.settings
    if wanted.kind == "thumbnail":
        outcome = await run_in_render_process(
            settings, thumbnail_job, source, plan, settings.video_render_timeout_seconds
        )
        if outcome[0] == "ok":
            data = await finish_thumbnail(context, outcome[1], plan.extra)
            await to_thread.run_sync(Path(output).write_bytes, data)
        return outcome if outcome[0] == "error" else ("ok", {})
    limits = RenderLimits(
        max_output_side=settings.video_max_output_dimension,
        max_seconds=settings.video_render_timeout_seconds,
        max_duration=settings.video_max_duration_seconds,
    )
    overlays = await draw_overlays(context, account.id, row, plan, Path(output).parent)
    return await run_in_render_process(
        settings, transcode_job, source, output, plan, limits, overlays
    )


def _event_options(plan: VideoPlan) -> dict[str, Any]:
    container = output_container(plan)
    return {
        "video_codec": "vp9" if container == "webm" else "h264",
        "audio_codec": ("opus" if container == "webm" else "aac") if plan.audio else "none",
        "auto_rotate": True,
        "quality": plan.quality or 0,
        "format": container,
    }
