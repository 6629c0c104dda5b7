"""``transformation.pre`` on a video upload: the video is transcoded before it is stored, and
the stored original is the result, as ImageKit's pre-transformations do for images and videos
(docs/video.md, "Upload pre-transformations"). Called from ``files/pre_transformation.py`` in
the upload's worker thread; the transcode runs in a render process, like the URL endpoint's.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from anyio import from_thread

from imagekit_server.context import ServerContext
from imagekit_server.imaging.errors import TransformationError
from imagekit_server.video.outputs import Outcome, RenderLimits
from imagekit_server.video.overlays import overlays_for_size, trim_window
from imagekit_server.video.plan import VideoPlan, parse_video_plan
from imagekit_server.video.pool import run_in_render_process
from imagekit_server.video.probe import VideoFacts, probe_video


class PreTransformationRefused(ValueError):
    """The chain cannot be applied to this video; the message is the API's (400)."""


def transform_video_upload(
    context: ServerContext, account_id: str, chain: str, source: Path, file_name: str
) -> Path | None:
    """The transcoded video in a new spool file; None when ``source`` is not a video (the
    image pre-transformation applies). Blocking: call it from a worker thread of the event
    loop (``anyio.to_thread``). Raises ``VideoRefused`` (a video this server refuses, as on
    any upload) and ``PreTransformationRefused``."""
    facts = probe_video(source, file_name, context.settings)
    if facts is None:
        return None
    try:
        plan = _plan(chain, facts)
    except TransformationError as error:
        raise PreTransformationRefused(error.message) from None
    target = context.spool.new_path()
    outcome = from_thread.run(_transcode, context, account_id, plan, facts, source, target)
    if outcome[0] == "error":
        target.unlink(missing_ok=True)
        raise PreTransformationRefused(str(outcome[1][2]))
    return target


def _plan(chain: str, facts: VideoFacts) -> VideoPlan:
    plan = parse_video_plan(chain)
    if plan.representations:
        raise TransformationError(
            400, "EINVALIDTRANSFORMATION", "sr- (adaptive streaming) is not a pre-transformation"
        )
    if plan.video_codec == "none":
        raise TransformationError(
            400, "EINVALIDTRANSFORMATION", "vc-none would store no video; use a post-transformation"
        )
    container = plan.format
    if container in (None, "orig"):  # as at the URL endpoint: WebM stays WebM, else MP4
        webm = facts.mime == "video/webm" and plan.video_codec != "h264"
        container = "webm" if webm or plan.video_codec == "vp9" else "mp4"
    elif container == "auto":  # no Accept header to negotiate with: the widest support
        container = "mp4"
    return replace(plan, format=container)


async def _transcode(
    context: ServerContext,
    account_id: str,
    plan: VideoPlan,
    facts: VideoFacts,
    source: Path,
    target: Path,
) -> Outcome:
    from imagekit_server.video.jobs import transcode_job  # render processes only

    settings = context.settings
    limits = RenderLimits(
        max_output_side=settings.video_max_output_dimension,
        max_seconds=settings.video_render_timeout_seconds,
        max_duration=settings.video_max_duration_seconds,
    )
    size = (facts.width, facts.height)
    # The layers' files are copied here when the store is not on local disk.
    with tempfile.TemporaryDirectory(prefix="ik-pre-", dir=target.parent) as scratch:
        try:
            window = trim_window(plan, facts.duration)
            overlays = await overlays_for_size(
                context, account_id, plan, size, Path(scratch), window
            )
        except TransformationError as error:
            return "error", (error.status, error.code, error.message)
        return await run_in_render_process(
            settings, transcode_job, str(source), str(target), plan, limits, overlays
        )
