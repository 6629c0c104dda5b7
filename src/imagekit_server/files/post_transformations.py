"""``transformation.post`` on upload: variants rendered eagerly after the upload commits, so
the first delivery request for each is a cache hit (docs/reference/api.md §4.1.1).

The variants go into the derived-image cache under the key delivery looks up
(``renditions.variants.warm_variant``), for a default ``Accept`` and for WebP-capable browsers
when the chain's format is negotiated. The work runs as a task on the event loop, rendering
through the shared imaging pool; a few uploads at a time per process, never blocking the upload
response. One ``upload.post-transform.success`` or ``.error`` event per post-transformation goes
to the upload's ``webhookUrl`` and the account's webhook endpoints, through the webhook outbox
(docs/webhooks.md).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from typing import Any

from anyio import from_thread, to_thread

from imagekit_server.context import ServerContext
from imagekit_server.errors import BadRequest
from imagekit_server.files.objects import delivery_url
from imagekit_server.imaging import TransformationError
from imagekit_server.renditions.chain import Chain, parsed_chain
from imagekit_server.renditions.file_lookup import FileRow, load_file_row
from imagekit_server.renditions.hot_cache import delivery_caches
from imagekit_server.renditions.named_lookup import expand_named
from imagekit_server.renditions.variants import choose_variant, warm_variant
from imagekit_server.video.eager import VideoPost, applies_to, parse_video_post, warm_video_post
from imagekit_server.video.events import Trigger
from imagekit_server.webhooks.outbox import enqueue_event

log = logging.getLogger("imagekit_server.post_transformations")

VIDEO_TYPES = ("gif-to-video", "thumbnail", "abs")
# Uploads whose variants render at once per process; the imaging pool bounds the renders.
CONCURRENT_UPLOADS = 2
# The Accept headers whose variants are warmed: the default class and the WebP class.
WARMED_ACCEPTS = ("*/*", "image/webp,*/*", "image/avif,image/webp,*/*")


@dataclass(frozen=True)
class PostTransformation:
    value: str  # the chain as the client sent it
    chain: Chain | None  # None: a video-only chain or type
    video: VideoPost | None = None  # the chain read as a video one (video/eager.py)
    type: str = "transformation"


@dataclass(frozen=True)
class UploadedFile:
    """The committed version the variants are rendered from."""

    account_id: str
    file_id: str
    name: str
    file_path: str
    etag: str
    endpoint: str  # the account's URL endpoint, for the event URLs
    request_id: str  # the upload's (X-Request-Id): its events' ``x_request_id``


def parse_post_transformations(post: list[dict[str, Any]]) -> list[PostTransformation]:
    """The validated ``post`` list (its shape is checked by ``upload_form``): invalid chains
    are a 400 before anything is stored. A ``transformation`` must be valid for images or for
    videos (the file's type decides which runs); the video types must be valid for videos."""
    parsed = []
    for step in post:
        kind = str(step["type"])
        value = str(step.get("value") or "")
        if kind == "transformation" and not value.strip():
            raise BadRequest("Invalid post-transformation: 'value' must not be empty.")
        try:
            video: VideoPost | None = parse_video_post(step)
            video_error = ""
        except TransformationError as error:
            video, video_error = None, error.message
        if kind in VIDEO_TYPES:
            if video is None:
                raise BadRequest(f"Invalid post-transformation {value!r}: {video_error}")
            parsed.append(PostTransformation(value, None, video, kind))
            continue
        chain = parsed_chain(value)
        if isinstance(chain, TransformationError):
            if video is None:
                raise BadRequest(f"Invalid post-transformation {value!r}: {chain.message}")
            parsed.append(PostTransformation(value, None, video, kind))
        else:
            parsed.append(PostTransformation(value, chain, video, kind))
    return parsed


@dataclass
class _Runner:
    """The per-context limiter and the running tasks (kept referenced until they finish)."""

    limit: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(CONCURRENT_UPLOADS))
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


def _runner(context: ServerContext) -> _Runner:
    return context.component(_Runner, _Runner)


def schedule_post_transformations(
    context: ServerContext,
    uploaded: UploadedFile,
    posts: list[PostTransformation],
    webhook_url: str | None,
) -> None:
    """Start rendering the variants on the event loop. Call it from the worker thread that
    handles the upload (``anyio.to_thread``); it returns at once."""
    if posts:
        from_thread.run_sync(start_post_transformations, context, uploaded, posts, webhook_url)


def start_post_transformations(
    context: ServerContext,
    uploaded: UploadedFile,
    posts: list[PostTransformation],
    webhook_url: str | None,
) -> asyncio.Task[None]:
    """The event-loop half of ``schedule_post_transformations``: the task that renders."""
    runner = _runner(context)
    task = asyncio.get_running_loop().create_task(
        _run(context, runner, uploaded, posts, webhook_url), name="post-transformations"
    )
    runner.tasks.add(task)
    task.add_done_callback(runner.tasks.discard)
    return task


async def _run(
    context: ServerContext,
    runner: _Runner,
    uploaded: UploadedFile,
    posts: list[PostTransformation],
    webhook_url: str | None,
) -> None:
    async with runner.limit:
        row = await to_thread.run_sync(
            load_file_row, context, uploaded.account_id, uploaded.file_path
        )
        if row is None or row.etag != uploaded.etag:
            return  # deleted or overwritten meanwhile: the variants would never be asked for
        for post in posts:
            try:
                if post.video is not None and applies_to(row, post.video):
                    url = transformed_url(uploaded, post.value)
                    trigger = Trigger(uploaded.request_id)
                    await warm_video_post(
                        context, uploaded.account_id, row, post.video, url, trigger
                    )
                elif post.chain is not None:
                    await _warm(context, uploaded.account_id, row, post.chain)
                else:
                    raise TransformationError(
                        400, "EINVALIDTRANSFORMATION", f"{post.type} applies to videos only"
                    )
                event = _success_event(uploaded, post)
            except TransformationError as error:
                log.info("post-transformation %r of %s failed: %s", post.value, row.file_id, error)
                event = _error_event(uploaded, post, str(error))
            except Exception:  # a background task: nobody else would see it
                log.exception("post-transformation %r of %s failed", post.value, row.file_id)
                event = _error_event(uploaded, post, "internal error while rendering")
            await to_thread.run_sync(
                partial(enqueue_event, webhook_url=webhook_url),
                context,
                uploaded.account_id,
                event,
            )


async def _warm(context: ServerContext, account_id: str, row: FileRow, chain: Chain) -> None:
    if not context.settings.derived_cache:
        return  # nothing would keep the rendering
    if chain.plan.named:
        chain = await expand_named(context, account_id, chain.plan)
    if chain.uses_client_hints:
        return  # such variants are never stored (they depend on each request's hints)
    variants = {}
    for accept in WARMED_ACCEPTS if chain.negotiated else WARMED_ACCEPTS[:1]:
        variant = choose_variant(chain, {"accept": accept}, delivery_caches(context).output)
        variants[variant.name] = variant
    for variant in variants.values():
        await warm_variant(context, account_id, row, chain, variant)


def transformed_url(uploaded: UploadedFile, value: str) -> str:
    """The delivery URL of one post-transformation (path form)."""
    return delivery_url(f"{uploaded.endpoint}/tr:{value}", uploaded.file_path)


def _event(kind: str, uploaded: UploadedFile, post: PostTransformation) -> dict[str, Any]:
    return {
        "type": f"upload.post-transform.{kind}",
        "id": str(uuid.uuid4()),
        "created_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "request": {
            "x_request_id": uploaded.request_id,
            "transformation": {"type": post.type, "value": post.value},
        },
    }


def _success_event(uploaded: UploadedFile, post: PostTransformation) -> dict[str, Any]:
    event = _event("success", uploaded, post)
    event["data"] = {
        "fileId": uploaded.file_id,
        "name": uploaded.name,
        "url": transformed_url(uploaded, post.value),
    }
    return event


def _error_event(uploaded: UploadedFile, post: PostTransformation, reason: str) -> dict[str, Any]:
    event = _event("error", uploaded, post)
    event["data"] = {
        "fileId": uploaded.file_id,
        "name": uploaded.name,
        "path": uploaded.file_path,
        "url": transformed_url(uploaded, post.value),
        "transformation": {"error": {"reason": reason}},
    }
    return event
