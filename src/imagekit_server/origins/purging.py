"""Purge for URL endpoints with origins: ``POST /v1/files/purge`` with
``<endpoint>/<urlPrefix>/<path>`` (or ``...*``) drops the cached originals and their derived
images, so the next request fetches from the origin again."""

from __future__ import annotations

import re

from imagekit_server.context import ServerContext
from imagekit_server.origins import cache
from imagekit_server.origins.routing import load_routes

_SCHEME = re.compile(r"^(https?):/+", re.IGNORECASE)


def purge_origin_path(context: ServerContext, account_id: str, path: str) -> int:
    """``path`` is the purge URL's path after the account (``/<urlPrefix>/...``, a trailing
    ``*`` for a prefix); returns how many cached originals were dropped (0 when the path
    names no URL endpoint)."""
    prefix, _, rest = path.lstrip("/").partition("/")
    route = load_routes(context, account_id).get(prefix)
    if route is None:
        return 0
    if rest.startswith("tr:"):
        rest = rest.partition("/")[2]
    if route.is_web_proxy:
        file_path = _SCHEME.sub(lambda match: f"{match.group(1).lower()}://", rest, count=1)
    else:
        file_path = "/" + rest
    endpoint = route.endpoint
    if file_path.endswith("*"):
        return cache.forget_path_prefix(context, account_id, endpoint.id, file_path[:-1])
    key = cache.cache_key(account_id, endpoint.id, file_path)
    return int(cache.forget(context, account_id, key))
