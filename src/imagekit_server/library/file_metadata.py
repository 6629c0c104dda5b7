"""The docs/reference/api.md §2.4 metadata object of a stored file or of a remote URL.

A stored file's object is the one read at upload when it is complete; otherwise (older
records, or an upload whose metadata reading was skipped) it is read again from the blob.

``GET /v1/metadata?url=`` answers only for URLs one of the account's URL endpoints serves: a
URL endpoint with origins resolves through them (the cached original, fetched as delivery
would), the default endpoint to the stored file. Any other URL is a 400 and is never fetched:
the API must not become a way to make the server request arbitrary hosts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from anyio import from_thread

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.files import records
from imagekit_server.inspection import InspectionError, read_metadata
from imagekit_server.library.purge import file_path_of_url
from imagekit_server.origins.fetching import OriginFailure
from imagekit_server.origins.resolution import find_original
from imagekit_server.origins.routing import Route, load_routes
from imagekit_server.video.facts import public_metadata

COMPLETE_KEY = "pHash"  # present only in objects read_metadata produced
NOT_AN_ENDPOINT_URL = (
    "The url must be served by one of this account's URL endpoints; other URLs are not fetched."
)
_SCHEME = re.compile(r"^(https?):/+", re.IGNORECASE)


def stored_file_metadata(context: ServerContext, account_id: str, file_id: str) -> dict[str, Any]:
    with read_transaction(context.engine) as conn:
        row = records.find_by_id(conn, account_id, file_id)
    if row is None:
        raise NotFound("The requested file does not exist.")
    return _row_metadata(context, row)


def _row_metadata(context: ServerContext, row: Any) -> dict[str, Any]:
    if (video := public_metadata(row.metadata)) and "videoCodec" in video:
        return dict(video)  # probed on upload (imagekit_server.video.facts)
    if row.file_type != "image":
        raise BadRequest("The file is not an image, so it has no image metadata.")
    stored = dict(row.metadata or {})
    if COMPLETE_KEY in stored:
        return _api_shape(stored)
    with _blob_file(context, row.blob_key) as path:
        return _inspect(context, path)


def url_metadata(context: ServerContext, account_id: str, url: str) -> dict[str, Any]:
    """Blocking: run it in a worker thread (origins are asked through the event loop)."""
    endpoint = context.settings.url_endpoint(account_id)
    try:
        file_path = file_path_of_url(endpoint, url)
    except BadRequest as exc:
        raise BadRequest(NOT_AN_ENDPOINT_URL) from exc
    if file_path.endswith("*"):
        raise BadRequest("The url must name a file.")
    origin_file = _origin_file(context, account_id, file_path)
    if origin_file is not None:
        return _origin_metadata(context, *origin_file)
    with read_transaction(context.engine) as conn:
        row = records.find_by_path(conn, account_id, file_path)
    if row is None:
        raise BadRequest("The url is not accessible: no such file.")
    return _row_metadata(context, row)


def _origin_file(context: ServerContext, account_id: str, path: str) -> tuple[Route, str] | None:
    """The route and origin path of ``path`` when its first segment is the URL prefix of a
    URL endpoint with origins (as delivery routes it)."""
    prefix, _, rest = path.lstrip("/").partition("/")
    route = load_routes(context, account_id).get(prefix)
    if route is None:
        return None
    if rest.startswith("tr:"):
        rest = rest.partition("/")[2]
    if route.is_web_proxy:
        return route, _SCHEME.sub(lambda match: f"{match.group(1).lower()}://", rest, count=1)
    return route, "/" + rest


def _origin_metadata(context: ServerContext, route: Route, path: str) -> dict[str, Any]:
    try:
        cached = from_thread.run(find_original, context, route.endpoint, route.origins, path)
    except OriginFailure as exc:
        raise BadRequest(f"The url is not accessible: {exc}") from exc
    if cached is None:
        raise BadRequest("The url is not accessible: no such file.")
    with _blob_file(context, cached.blob_key) as local:
        return _inspect(context, local)


def _inspect(context: ServerContext, path: Path) -> dict[str, Any]:
    try:
        found = read_metadata(path, max_pixels=context.settings.max_image_pixels)
    except InspectionError as exc:
        raise BadRequest(exc.message) from exc
    return _api_shape(found)


def _api_shape(found: dict[str, Any]) -> dict[str, Any]:
    # 4.x crashes on "exif": null (docs/reference/api.md §1.7 item 5).
    if found.get("exif") is None:
        found["exif"] = {}
    return found


@contextmanager
def _temp_file(context: ServerContext) -> Iterator[Path]:
    path = context.spool.new_path()
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


@contextmanager
def _blob_file(context: ServerContext, key: str) -> Iterator[Path]:
    local = context.store.local_path(key)
    if local is not None:
        yield local
        return
    with _temp_file(context) as path:
        with path.open("wb") as sink:
            for chunk in context.store.iter_range(key):
                sink.write(chunk)
        yield path
