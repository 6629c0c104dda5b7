"""Originals fetched from origins, kept in the blob store (``origin-cache/<account>/<key>``)
with a row in ``origin_cache`` holding the content hash and the origin's validators.

A copy is served as is for ``Settings.origin_revalidate_seconds`` after it was fetched or last
revalidated; then the next request asks the origin with a conditional request. Each account's
copies stay within ``Settings.origin_cache_bytes``: the least recently validated go first.
Derived images of a copy live under ``derived/<account>/<key>/`` (the key is their "file id"),
so a purge of the URL removes both.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import origin_cache
from imagekit_server.db.times import to_utc
from imagekit_server.header_values import header_text, http_date
from imagekit_server.origins.fetching import Fetched, Validators
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.renditions.hot_cache import forget_cached_variants
from imagekit_server.renditions.variant_purge import purge_file_variants

CACHE_ROOT = "origin-cache"
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class CachedOriginal:
    key: str
    origin_id: str
    path: str
    blob_key: str
    size: int
    mime: str
    etag: str
    validators: Validators
    fetched_at: datetime
    validated_at: datetime

    def is_fresh(self, max_age_seconds: float, now: datetime) -> bool:
        return now - self.validated_at < timedelta(seconds=max_age_seconds)

    def file_row(self) -> FileRow:
        """The copy as delivery sees a media library file (public, published)."""
        name = self.path.rstrip("/").rsplit("/", 1)[-1] or "file"
        return FileRow(
            file_id=self.key,
            blob_key=self.blob_key,
            mime=self.mime,
            etag=self.etag,
            name=name,
            modified=self.fetched_at,
            last_modified=http_date(self.fetched_at),
            is_private=False,
            is_published=True,
            custom_focus=None,
        )


def cache_key(account_id: str, endpoint_id: str, path: str) -> str:
    text = f"{account_id}\n{endpoint_id}\n{path}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def cache_blob_key(account_id: str, key: str) -> str:
    return f"{CACHE_ROOT}/{account_id}/{key}"


def _cached(row: Any) -> CachedOriginal:
    return CachedOriginal(
        key=row.key,
        origin_id=row.origin_id,
        path=row.path,
        blob_key=row.blob_key,
        size=row.size,
        mime=row.mime,
        etag=row.etag,
        validators=Validators(row.origin_etag, row.origin_last_modified),
        fetched_at=to_utc(row.fetched_at),
        validated_at=to_utc(row.validated_at),
    )


def lookup(context: ServerContext, key: str) -> CachedOriginal | None:
    with read_transaction(context.engine) as conn:
        row = conn.execute(sa.select(origin_cache).where(origin_cache.c.key == key)).first()
    return None if row is None else _cached(row)


def _content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()[:32]


def _mime(content_type: str | None, path: str) -> str:
    # An origin's header may hold any byte: keep it fit to be sent on as our Content-Type.
    declared = header_text((content_type or "").split(";")[0].strip().lower(), 128)
    if declared and declared not in ("application/octet-stream", "binary/octet-stream"):
        return declared
    guessed, _ = mimetypes.guess_type(path.split("?")[0])
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class FetchedFile:
    """A fetch that wrote ``file``: what to record about it."""

    account_id: str
    endpoint_id: str
    origin_id: str
    path: str
    file: Path
    fetched: Fetched


def store_fetched(context: ServerContext, key: str, item: FetchedFile) -> CachedOriginal:
    """Put the fetched file in the blob store and record it (replacing an older copy)."""
    blob_key = cache_blob_key(item.account_id, key)
    etag = _content_hash(item.file)
    context.store.put_file(blob_key, item.file)
    now = datetime.now(timezone.utc)
    values = {
        "account_id": item.account_id,
        "endpoint_id": item.endpoint_id,
        "origin_id": item.origin_id,
        "path": item.path[:2048],
        "blob_key": blob_key,
        "size": item.fetched.size,
        "mime": _mime(item.fetched.content_type, item.path)[:128],
        "etag": etag,
        "origin_etag": (item.fetched.etag or None) and item.fetched.etag[:255],
        "origin_last_modified": item.fetched.last_modified,
        "fetched_at": now,
        "validated_at": now,
    }
    with write_transaction(context.engine) as conn:
        previous = conn.execute(
            origin_cache.delete().where(origin_cache.c.key == key).returning(origin_cache.c.etag)
        ).scalar_one_or_none()
        conn.execute(origin_cache.insert().values(key=key, **values))
    if previous is not None and previous != etag:
        # The origin's file changed: the old copy's variants can never be asked for again.
        purge_file_variants(context, item.account_id, key)
        forget_cached_variants(context, key)
    evict_over_budget(context, item.account_id)
    found = lookup(context, key)
    assert found is not None
    return found


def mark_validated(context: ServerContext, key: str) -> None:
    with write_transaction(context.engine) as conn:
        conn.execute(
            origin_cache.update()
            .where(origin_cache.c.key == key)
            .values(validated_at=datetime.now(timezone.utc))
        )


def forget(context: ServerContext, account_id: str, key: str) -> bool:
    """Remove one copy, its derived images and in-memory variants; False when not cached."""
    with write_transaction(context.engine) as conn:
        removed = conn.execute(
            origin_cache.delete()
            .where(origin_cache.c.account_id == account_id, origin_cache.c.key == key)
            .returning(origin_cache.c.blob_key)
        ).scalar_one_or_none()
    purge_file_variants(context, account_id, key)
    forget_cached_variants(context, key)
    if removed is None:
        return False
    context.store.delete(removed)
    return True


def forget_path_prefix(
    context: ServerContext, account_id: str, endpoint_id: str, path_prefix: str
) -> int:
    """Remove every copy of the endpoint whose path starts with ``path_prefix``."""
    with read_transaction(context.engine) as conn:
        keys = conn.execute(
            sa.select(origin_cache.c.key).where(
                origin_cache.c.account_id == account_id,
                origin_cache.c.endpoint_id == endpoint_id,
                origin_cache.c.path.startswith(path_prefix, autoescape=True),
            )
        ).scalars()
        found = list(keys)
    return sum(forget(context, account_id, key) for key in found)


def forget_copies_of(
    context: ServerContext,
    account_id: str,
    *,
    endpoint_id: str | None = None,
    origin_id: str | None = None,
) -> int:
    """Remove every copy fetched through an endpoint or from an origin (after it was
    replaced or deleted: its copies may no longer be what it would serve)."""
    query = sa.select(origin_cache.c.key).where(origin_cache.c.account_id == account_id)
    if endpoint_id is not None:
        query = query.where(origin_cache.c.endpoint_id == endpoint_id)
    if origin_id is not None:
        query = query.where(origin_cache.c.origin_id == origin_id)
    with read_transaction(context.engine) as conn:
        found = list(conn.execute(query).scalars())
    return sum(forget(context, account_id, key) for key in found)


def stored_bytes(context: ServerContext, account_id: str) -> int:
    with read_transaction(context.engine) as conn:
        total = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(origin_cache.c.size), 0)).where(
                origin_cache.c.account_id == account_id
            )
        ).scalar_one()
    return int(total)


def evict_over_budget(context: ServerContext, account_id: str) -> int:
    """Drop the least recently validated copies until the account fits its budget."""
    budget = context.settings.origin_cache_bytes
    excess = stored_bytes(context, account_id) - budget
    evicted = 0
    if excess <= 0:
        return 0
    with read_transaction(context.engine) as conn:
        rows = conn.execute(
            sa.select(origin_cache.c.key, origin_cache.c.size)
            .where(origin_cache.c.account_id == account_id)
            .order_by(origin_cache.c.validated_at)
        ).all()
    for row in rows:
        if excess <= 0:
            break
        if forget(context, account_id, row.key):
            excess -= row.size
            evicted += 1
    return evicted
