"""Serve adaptive streaming at the URL endpoint (streaming.py): the representations of one
``sr-`` set are rendered together (in parallel render processes, once across processes by the
lease on the set's index); manifests are written from the index on each request.

A manifest fetched by a signed URL (a private file's) links to its parts by URLs signed the
same way, with the same expiry, so a player needs nothing but the manifest's URL; without a
signature the parts are refused like the manifest (docs/video.md)."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.delivery.derived_cache import derived_key, response_etag, variant_hash
from imagekit_server.delivery.derived_ledger import derived_ledger
from imagekit_server.delivery.file_lookup import FileRow
from imagekit_server.delivery.signing import sign_target
from imagekit_server.imaging.errors import TransformationError, invalid
from imagekit_server.runtime.single_flight import SingleFlight
from imagekit_server.storage import BlobNotFound
from imagekit_server.video.leases import claim_or_wait, release
from imagekit_server.video.outputs import Outcome, RenderLimits
from imagekit_server.video.overlays import display_size, draw_overlays, layer_versions
from imagekit_server.video.plan import Geometry, VideoPlan
from imagekit_server.video.pool import run_in_render_process
from imagekit_server.video.requests import VideoRequest
from imagekit_server.video.serving import blob_response
from imagekit_server.video.sources import source_path
from imagekit_server.video.streaming import (
    SEGMENT_SECONDS,
    Link,
    Representation,
    dash_manifest,
    hls_master,
    hls_media,
)

STREAMING_KINDS = frozenset({"hls", "dash", "hls-media", "abs-file"})
_inflight: SingleFlight[str, Outcome] = SingleFlight()
_TYPES = {"hls": "application/vnd.apple.mpegurl", "dash": "application/dash+xml"}


async def respond_streaming(
    request: Request,
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    signed_target: str | None,
) -> ASGIApp:
    """``signed_target``: the request's target after the endpoint when its signature is valid."""
    signed = signed_target is not None
    found = await ensure_set(
        context, account, row, plan, signed=signed, wait=context.settings.video_wait_seconds
    )
    if found is None:
        return _preparing()
    name, index = found
    query = f"?{request.url.query}" if request.url.query else ""
    link = _links(account, query, signed_target)
    return _answer(request, context, account, row, wanted, name, index, link, signed_target)


def _links(account: Account, query: str, signed_target: str | None) -> Link:
    """Relative URIs of a manifest's parts, carrying the request's query (``?tr=sr-...``), so
    that they resolve to the same set; signed anew for each part when the manifest's URL was
    signed (a signature covers one URL only)."""
    if signed_target is None:
        return lambda name: f"{name}{query}"
    path, _, raw_query = signed_target.partition("?")
    directory = path.rpartition("/")[0]
    expiry = _expiry(raw_query)

    def link(name: str) -> str:
        child = f"{directory}/{name}" + (f"?{raw_query}" if raw_query else "")
        return sign_target(account.private_key, child, expiry)[len(directory) + 1 :]

    return link


def _expiry(raw_query: str) -> int | None:
    for parameter in raw_query.split("&"):
        name, _, value = parameter.partition("=")
        if name == "ik-t" and value.isdigit():
            return int(value)
    return None


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
    plan = replace(plan, format="mp4", video_codec="h264")
    layers = await layer_versions(context, account.id, plan, signed)
    name = variant_hash(row.etag, f"abs:{plan.key()}:{layers}", "abs")
    index_key = derived_key(account.id, row.file_id, f"v{name}.json")
    index = await _load_index(context, index_key)
    if index is None:
        work = _inflight.start(
            index_key, lambda: _produce(context, account, row, plan, name, index_key)
        )
        try:
            outcome = await asyncio.wait_for(asyncio.shield(work), timeout=wait)
        except asyncio.TimeoutError:
            return None
        if outcome[0] == "error":
            status, code, message = outcome[1]
            raise TransformationError(status, code, message)
        index = await _load_index(context, index_key)
        if index is None:
            return None
    return name, index


def _answer(
    request: Request,
    context: ServerContext,
    account: Account,
    row: FileRow,
    wanted: VideoRequest,
    name: str,
    index: list[Representation],
    link: Link,
    signed_target: str | None,
) -> ASGIApp:
    cache = "public, max-age=31536000"
    if signed_target is not None:  # its parts' signatures expire with the manifest's
        expiry = _expiry(signed_target.partition("?")[2])
        left = 31536000 if expiry is None else max(0, expiry - int(time.time()))
        cache = f"private, max-age={min(left, 31536000)}"
    headers = {"Cache-Control": cache, "Access-Control-Allow-Origin": "*"}
    if wanted.kind == "hls":
        return Response(hls_master(index, link), media_type=_TYPES["hls"], headers=headers)
    if wanted.kind == "dash":
        duration = max(sum(s for _, _, s in item.segments) for item in index)
        text = dash_manifest(index, link, duration)
        return Response(text, media_type=_TYPES["dash"], headers=headers)
    found = next((item for item in index if item.height == wanted.height), None)
    if found is None:
        return PlainTextResponse("Not Found", 404, {"ik-error": "ENOENT - no such representation"})
    if wanted.kind == "hls-media":
        return Response(hls_media(found, link), media_type=_TYPES["hls"], headers=headers)
    key = derived_key(account.id, row.file_id, f"v{name}-{found.height}.mp4")
    etag = response_etag(f"{name}-{found.height}", "video/mp4")
    return blob_response(request, context.store, key, found.size, "video/mp4", etag, row, None)


def _preparing() -> Response:
    """ImageKit's intermediate answer for manifests: being prepared, nothing else."""
    return PlainTextResponse(
        "The asset is being prepared. Retry in a few seconds.",
        status_code=202,
        headers={"Cache-Control": "no-store", "Retry-After": "5"},
    )


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
    overlays = await draw_overlays(context, account.id, row, plan)
    with tempfile.TemporaryDirectory(prefix="ik-abs-") as scratch:
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
