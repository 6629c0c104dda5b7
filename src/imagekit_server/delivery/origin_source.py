"""The origin source of the URL endpoint: ``/<account>/<urlPrefix>/[tr:<chain>/]<path>``.

``deliver_from_origins`` returns None when the URL does not name one of the account's URL
endpoints, so the media library handles it. Otherwise the signature is checked on the raw
target after the endpoint (as for the media library), a URL rewriter translates the URL,
the file is found through the endpoint's origins and answered with the same transformation
pipeline and caches as a media library file.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.types import ASGIApp

from imagekit_server.accounts import Account
from imagekit_server.context import ServerContext
from imagekit_server.delivery.access_policy import refusal
from imagekit_server.delivery.origin_responses import original_response, transformed_response
from imagekit_server.delivery.signing import SignatureStatus, check_signature
from imagekit_server.delivery.target import DeliveryTarget, TargetError, parse_target
from imagekit_server.delivery.variant_response import (
    BytesResponse,
    error_response,
    transformation_error_response,
)
from imagekit_server.delivery.video_source import answer_video
from imagekit_server.imaging import TransformationError
from imagekit_server.origins.fetching import OriginFailure
from imagekit_server.origins.resolution import find_original
from imagekit_server.origins.rewriters import RewriteError, rewrite_target
from imagekit_server.origins.routing import Route, route_table
from imagekit_server.renditions.chain import Chain, parsed_chain
from imagekit_server.renditions.file_lookup import FileRow, find_file
from imagekit_server.video.requests import VideoRequest

SIGNATURE_PARAMS = ("ik-s=", "ik-t=")
_SCHEME = re.compile(r"(https?):/+", re.IGNORECASE)


async def deliver_from_origins(
    request: Request, context: ServerContext, account: Account
) -> ASGIApp | None:
    routes = await route_table(context, account.id)
    if not routes:  # most accounts serve their media library only: nothing to parse
        return None
    raw_path = (request.scope.get("raw_path") or request.scope["path"].encode()).decode("latin-1")
    account_prefix = f"/{account.id}/"
    if not raw_path.startswith(account_prefix):
        return None
    first_segment = raw_path[len(account_prefix) :].partition("/")[0]
    route = routes.get(unquote(first_segment))
    if route is None:
        return None
    raw_query = request.scope["query_string"].decode("latin-1")
    endpoint_path = f"{account.id}/{route.endpoint.url_prefix}"
    signed_part = raw_path[len(endpoint_path) + 2 :] + (f"?{raw_query}" if raw_query else "")
    signature = SignatureStatus.UNSIGNED
    if any(name in raw_query for name in SIGNATURE_PARAMS):
        signature = check_signature(account.private_key, signed_part)
        if signature in (SignatureStatus.INVALID, SignatureStatus.EXPIRED):
            detail = f"EUNAUTHORIZED - signature {signature.value}"
            return error_response(401, detail, "Unauthorized")
    try:
        target = _target(route, raw_path, raw_query, endpoint_path)
    except (TargetError, RewriteError) as exc:
        code = str(exc)
        status = 404 if code.startswith("ENOENT") else 400
        return error_response(status, code, "Not Found" if status == 404 else "Bad Request")
    except UnicodeDecodeError:
        return error_response(404, "ENOENT - invalid file path", "Not Found")
    refused = refusal(account, signature, target.transformation)
    if refused is not None:  # the account's security settings (delivery/access_policy.py)
        return refused
    signed = signature is SignatureStatus.VALID
    return await _deliver(request, context, account, route, target, signed)


def _target(route: Route, raw_path: str, raw_query: str, endpoint_path: str) -> DeliveryTarget:
    rewriter = route.endpoint.url_rewriter
    if rewriter is not None:
        raw_path, raw_query = rewrite_target(rewriter, raw_path, raw_query, endpoint_path)
    if route.is_web_proxy:
        return _proxy_target(raw_path, raw_query, endpoint_path)
    return parse_target(raw_path, raw_query, endpoint_path)


def _proxy_target(raw_path: str, raw_query: str, endpoint_path: str) -> DeliveryTarget:
    """For a web proxy the rest of the path is an absolute URL, plain or percent-encoded
    (clients and proxies may have merged its ``//``)."""
    remainder = raw_path[len(endpoint_path) + 2 :]
    transformation_segment = ""
    if remainder.startswith("tr:"):
        transformation_segment, _, remainder = remainder.partition("/")
    url = remainder
    if url.lower().startswith(("http%3a", "https%3a")):
        url = unquote(url, errors="strict")
    url = _SCHEME.sub(lambda match: f"{match.group(1).lower()}://", url, count=1)
    if not url.startswith(("http://", "https://")) or len(url) > 2048:
        raise TargetError("ENOENT - a web proxy URL must be an absolute http(s) URL")
    # parse_target still reads the chain and the query; the URL takes the file path's place.
    head = f"/{endpoint_path}/{transformation_segment}/" if transformation_segment else ""
    parsed = parse_target(f"{head or f'/{endpoint_path}/'}proxied", raw_query, endpoint_path)
    return DeliveryTarget(parsed.signed_part, url, parsed.transformation, parsed.query)


async def _deliver(
    request: Request,
    context: ServerContext,
    account: Account,
    route: Route,
    target: DeliveryTarget,
    signed: bool,
) -> ASGIApp:
    wanted = target.video  # None for images and originals
    if wanted is not None:
        answered = await _deliver_video(request, context, account, route, target, signed, wanted)
        if answered is not None:
            return answered
    chain: Chain | None = None
    if target.transformation is not None and target.transformation != "orig-true":
        parsed = parsed_chain(target.transformation)
        if isinstance(parsed, TransformationError):
            return _transformation_error(parsed)
        chain = parsed
    try:
        original = await find_original(
            context, route.endpoint, route.origins, target.file_path, request.headers.get("host")
        )
    except OriginFailure as failure:
        return _origin_error(failure)
    canonical = None
    if original is not None:
        canonical = _canonical_url(route, original.origin_id, target.file_path)
    if chain is None or chain.plan.original:
        if original is None:
            return _not_found(target)
        found = original.file_row()
        return original_response(request, context, found, original.size, target.query, canonical)
    row: FileRow | None = None if original is None else original.file_row()
    if row is None and chain.plan.default_image:
        row = await find_file(context, account.id, "/" + chain.plan.default_image)
        if row is not None and (row.is_private or not row.is_published):
            row = None
    if row is None:
        return _not_found(target)
    return await transformed_response(
        request, context, account.id, row, chain, target.query, signed, canonical
    )


async def _deliver_video(
    request: Request,
    context: ServerContext,
    account: Account,
    route: Route,
    target: DeliveryTarget,
    signed: bool,
    wanted: VideoRequest,
) -> ASGIApp | None:
    """Video renditions, thumbnails and streaming of an origin's video, exactly as for a media
    library video (docs/video.md); None when the origin has no such file or it is no video
    (the image path answers)."""
    try:
        original = await find_original(
            context, route.endpoint, route.origins, wanted.file_path, request.headers.get("host")
        )
    except OriginFailure as failure:
        return _origin_error(failure)
    if original is None:
        return None
    endpoint = context.settings.url_endpoint(account.id)
    prefix = quote(route.endpoint.url_prefix, safe="/")
    original_url = f"{endpoint}/{prefix}/{quote(wanted.file_path.lstrip('/'), safe='/:')}"
    signature = SignatureStatus.VALID if signed else SignatureStatus.UNSIGNED
    return await answer_video(
        request, context, account, target, signature, wanted, original.file_row(), original_url
    )


def _canonical_url(route: Route, origin_id: str, file_path: str) -> str | None:
    """``baseUrlForCanonicalHeader`` + the path, when the serving origin asks for it."""
    for origin in route.origins:
        if origin.id == origin_id and origin.config.get("includeCanonicalHeader"):
            base = origin.config.get("baseUrlForCanonicalHeader")
            if route.is_web_proxy:
                return file_path
            return f"{str(base).rstrip('/')}{file_path}" if base else None
    return None


def _not_found(target: DeliveryTarget) -> BytesResponse:
    return error_response(404, f"ENOENT - {target.file_path} does not exist", "Not Found")


def _transformation_error(error: TransformationError) -> BytesResponse:
    response = transformation_error_response(error.status, error.code, error.message)
    response.headers += getattr(error, "headers", ())  # Retry-After of 429 and 503
    return response


def _origin_error(failure: OriginFailure) -> BytesResponse:
    """404 with the origin's problem in ``ik-error`` (docs/reference/delivery.md §9.1), 400 for
    limits;
    never cached, since the origin may be back a moment later."""
    status = 400 if failure.code == "ELIMIT" else 404
    response = error_response(
        status, failure.ik_error, "Not Found" if status == 404 else "Bad Request"
    )
    response.headers = [
        (name, b"no-store" if name == b"cache-control" else value)
        for name, value in response.headers
    ]
    return response
