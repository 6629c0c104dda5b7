"""Serve adaptive streaming at the URL endpoint (video/streaming.py): the set comes from
video/streaming_sets.py; manifests are written from its index on each request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.delivery.video_serving import blob_response
from imagekit_server.renditions.derived_cache import derived_key, response_etag
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.video.plan import VideoPlan
from imagekit_server.video.requests import VideoRequest
from imagekit_server.video.streaming import (
    Representation,
    dash_manifest,
    hls_master,
    hls_media,
)
from imagekit_server.video.streaming_sets import ensure_set

_TYPES = {"hls": "application/vnd.apple.mpegurl", "dash": "application/dash+xml"}


async def respond_streaming(
    request: Request,
    context: ServerContext,
    account: Account,
    row: FileRow,
    plan: VideoPlan,
    wanted: VideoRequest,
    signed: bool,
) -> ASGIApp:
    found = await ensure_set(
        context, account, row, plan, signed=signed, wait=context.settings.video_wait_seconds
    )
    if found is None:
        return _preparing()
    name, index = found
    query = f"?{request.url.query}" if request.url.query else ""
    return _answer(request, context, account, row, wanted, name, index, query)


def _answer(
    request: Request,
    context: ServerContext,
    account: Account,
    row: FileRow,
    wanted: VideoRequest,
    name: str,
    index: list[Representation],
    query: str,
) -> ASGIApp:
    headers = {"Cache-Control": "public, max-age=31536000", "Access-Control-Allow-Origin": "*"}
    if wanted.kind == "hls":
        return Response(hls_master(index, query), media_type=_TYPES["hls"], headers=headers)
    if wanted.kind == "dash":
        duration = max(sum(s for _, _, s in item.segments) for item in index)
        text = dash_manifest(index, query, duration)
        return Response(text, media_type=_TYPES["dash"], headers=headers)
    found = next((item for item in index if item.height == wanted.height), None)
    if found is None:
        return PlainTextResponse("Not Found", 404, {"ik-error": "ENOENT - no such representation"})
    if wanted.kind == "hls-media":
        return Response(hls_media(found, query), media_type=_TYPES["hls"], headers=headers)
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
