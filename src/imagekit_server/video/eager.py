"""Upload post-transformations on videos (``transformation.post``): ``transformation`` (a
video chain), ``gif-to-video``, ``thumbnail`` and ``abs`` renditions are produced eagerly by
the same code as URL delivery, so the first request is a cache hit (docs/video.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.imaging import parse_transformation
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.video.events import Trigger
from imagekit_server.video.plan import VideoPlan, named_in, parse_video_plan
from imagekit_server.video.renditions import ensure_rendition, resolved_format
from imagekit_server.video.requests import VideoRequest
from imagekit_server.video.streaming_sets import ensure_set

POST_KINDS = {"transformation": "video", "gif-to-video": "video", "thumbnail": "thumbnail"}


@dataclass(frozen=True)
class VideoPost:
    type: str  # transformation, gif-to-video, thumbnail, abs
    plan: VideoPlan


def parse_video_post(step: dict[str, Any]) -> VideoPost:
    """Raises ``TransformationError`` for a value that is no valid video chain."""
    kind = str(step["type"])
    value = str(step.get("value") or "")
    if named_in(value):
        raise TransformationError(
            400, "EINVALIDTRANSFORMATION", "named transformations are not expanded on upload"
        )
    plan = parse_video_plan(value, for_thumbnail=kind == "thumbnail")
    if plan.extra:  # a thumbnail's image steps: checked by the image parser
        parse_transformation(":".join(plan.extra))
    if kind == "gif-to-video" and plan.format not in ("mp4", "webm"):
        plan = replace(plan, format="mp4")
    if kind == "abs":
        protocol = step.get("protocol", "hls")
        if protocol not in ("hls", "dash"):
            raise TransformationError(400, "EINVALIDTRANSFORMATION", "protocol is hls or dash")
        if not plan.representations:
            raise TransformationError(
                400, "EINVALIDTRANSFORMATION", "abs needs a value such as sr-240_360_480"
            )
    return VideoPost(kind, plan)


def applies_to(row: FileRow, post: VideoPost) -> bool:
    """Video posts run on videos; ``gif-to-video`` on GIFs too."""
    return row.mime.startswith("video/") or (
        post.type == "gif-to-video" and row.mime == "image/gif"
    )


async def warm_video_post(
    context: ServerContext,
    account_id: str,
    row: FileRow,
    post: VideoPost,
    url: str,
    trigger: Trigger | None = None,
) -> None:
    """Render (or find) the rendition; raises ``TransformationError``. ``trigger``: the
    upload that asked for it, named in the rendition's video events."""
    account = context.accounts.by_id(account_id)
    if account is None:
        return
    if post.type == "abs":
        await ensure_set(context, account, row, post.plan, signed=True, wait=None)
        return
    plan = post.plan
    if plan.format == "auto":
        plan = replace(plan, format="mp4")
    plan = resolved_format(plan, row)
    wanted = VideoRequest(row.name, POST_KINDS[post.type])
    await ensure_rendition(
        context, account, row, plan, wanted, signed=True, url=url, wait=None, trigger=trigger
    )
