"""Serve adaptive streaming at the URL endpoint (video/streaming.py): the set comes from
video/streaming_sets.py; manifests are written from its index on each request.

A manifest fetched by a signed URL (a private file's) links to its parts by URLs signed the
same way, with the same expiry, so a player needs nothing but the manifest's URL; without a
signature the parts are refused like the manifest (docs/video.md)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.delivery.signing import sign_target
from imagekit_server.delivery.video_serving import blob_response
from imagekit_server.renditions.derived_cache import derived_key, response_etag
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.video.plan import VideoPlan
from imagekit_server.video.requests import VideoRequest
from imagekit_server.video.streaming import (
    Link,
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
