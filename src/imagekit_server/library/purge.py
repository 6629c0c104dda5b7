"""Cache purge: forget the derived images (transformed variants) of files.

Derived images of a file live under one blob prefix (renditions/variant_purge.py, which removes
them); this module finds the files a purge names: ``POST /v1/files/purge``, ``purgeCache``
on rename and folder renames call it. Originals are never touched.

A purge request runs synchronously and is recorded as ``Completed`` so its status can be
asked for by id (docs/reference/api.md §4.19).
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import files, purge_requests
from imagekit_server.errors import BadRequest
from imagekit_server.ids import new_id
from imagekit_server.origins.purging import purge_origin_path
from imagekit_server.renditions.variant_purge import purge_file_variants

COMPLETED = "Completed"


def purge_path_prefix(context: ServerContext, account_id: str, path_prefix: str) -> int:
    """Purge every file whose path starts with ``path_prefix``; returns the file count."""
    with read_transaction(context.engine) as conn:
        file_ids = conn.execute(
            sa.select(files.c.id).where(
                files.c.account_id == account_id,
                files.c.file_path.startswith(path_prefix, autoescape=True),
            )
        ).scalars()
        ids = list(file_ids)
    for file_id in ids:
        purge_file_variants(context, account_id, file_id)
    return len(ids)


def purge_file_path(context: ServerContext, account_id: str, file_path: str) -> None:
    with read_transaction(context.engine) as conn:
        file_id = conn.execute(
            sa.select(files.c.id).where(
                files.c.account_id == account_id, files.c.file_path == file_path
            )
        ).scalar_one_or_none()
    if file_id is not None:
        purge_file_variants(context, account_id, file_id)


def file_path_of_url(endpoint: str, url: str) -> str:
    """The file path (or ``prefix*``) a delivery URL of ``endpoint`` names; 400 otherwise.
    A leading transformation segment (``tr:...``) and the query string are ignored."""
    base = urlsplit(endpoint)
    parts = urlsplit(url.strip())
    prefix = base.path.rstrip("/") + "/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
        prefix
    ):
        raise BadRequest("The url does not belong to this account's URL endpoint.")
    segments = [unquote(segment) for segment in parts.path[len(prefix) :].split("/")]
    if segments and segments[0].startswith("tr:"):
        segments = segments[1:]
    path = "/" + "/".join(segment for segment in segments if segment)
    if path == "/":
        raise BadRequest("The url must name a file or a path ending in '*'.")
    return path


def purge_url(context: ServerContext, account_id: str, url: str) -> str:
    """Purge what ``url`` names (a file, or every path starting with it when it ends in
    ``*``) and record the request; returns the request id."""
    path = file_path_of_url(context.settings.url_endpoint(account_id), url)
    if purge_origin_path(context, account_id, path):
        return record_request(context, account_id, url)
    if path.endswith("*"):
        purge_path_prefix(context, account_id, path[:-1])
    else:
        purge_file_path(context, account_id, path)
    return record_request(context, account_id, url)


def record_request(context: ServerContext, account_id: str, url: str) -> str:
    request_id = new_id()
    now = datetime.now(timezone.utc)
    with write_transaction(context.engine) as conn:
        conn.execute(
            purge_requests.insert().values(
                id=request_id,
                account_id=account_id,
                url=url,
                status=COMPLETED,
                created_at=now,
                updated_at=now,
            )
        )
    return request_id


def request_status(context: ServerContext, account_id: str, request_id: str) -> str | None:
    with read_transaction(context.engine) as conn:
        status = conn.execute(
            sa.select(purge_requests.c.status).where(
                purge_requests.c.account_id == account_id, purge_requests.c.id == request_id
            )
        ).scalar_one_or_none()
    return None if status is None else str(status)
