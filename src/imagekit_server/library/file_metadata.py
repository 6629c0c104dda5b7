"""The api.md §2.4 metadata object of a stored file or of a remote URL.

A stored file's object is the one read at upload when it is complete; otherwise (older
records, or an upload whose metadata reading was skipped) it is read again from the blob. A
URL on the account's own endpoint resolves to the stored file; any other URL is fetched with
the upload's fetch guard (private networks refused unless allow-listed) into a temp file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.errors import BadRequest, NotFound
from imagekit_server.fetch import FetchError, fetch_to_file
from imagekit_server.files import records
from imagekit_server.inspection import InspectionError, read_metadata
from imagekit_server.purge import file_path_of_url
from imagekit_server.video.facts import public_metadata

COMPLETE_KEY = "pHash"  # present only in objects read_metadata produced


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
    endpoint = context.settings.url_endpoint(account_id)
    try:
        file_path = file_path_of_url(endpoint, url)
    except BadRequest:
        return _remote_metadata(context, url)
    with read_transaction(context.engine) as conn:
        row = records.find_by_path(conn, account_id, file_path)
    if row is None:
        raise BadRequest("The url is not accessible: no such file.")
    return _row_metadata(context, row)


def _remote_metadata(context: ServerContext, url: str) -> dict[str, Any]:
    settings = context.settings
    with _temp_file(context) as path:
        try:
            fetch_to_file(
                url,
                path,
                allowlist=settings.fetch_allowlist,
                max_bytes=settings.max_upload_bytes,
                timeout=settings.fetch_timeout_seconds,
            )
        except FetchError as exc:
            raise BadRequest(f"The url is not accessible: {exc}") from exc
        return _inspect(context, path)


def _inspect(context: ServerContext, path: Path) -> dict[str, Any]:
    try:
        found = read_metadata(path, max_pixels=context.settings.max_image_pixels)
    except InspectionError as exc:
        raise BadRequest(exc.message) from exc
    return _api_shape(found)


def _api_shape(found: dict[str, Any]) -> dict[str, Any]:
    # 4.x crashes on "exif": null (api.md §1.7 item 5).
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
