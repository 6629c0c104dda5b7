"""Derived images in the blob store, under ``derived/<account>/<file_id>/<hash>``.

The hash covers everything that decides the output bytes: the source version's etag, the
normalised transformation (``Plan.cache_key()``, named transformations already expanded) and
the variant name (format class, client hints, and the versions of the files its layers read).
A blob holds the content type, a newline and the encoded bytes, so a hit needs a single read.

Purging (``renditions.variant_purge.purge_file_variants``) deletes the file's prefix and the
process's in-memory variants. ``derived_budget`` keeps each account's variants within
``Settings.derived_cache_bytes``, least recently used first.
"""

from __future__ import annotations

import hashlib

from imagekit_server.renditions.variant_purge import derived_prefix
from imagekit_server.storage import BlobNotFound, BlobStore, InvalidBlobKey


def variant_hash(source_etag: str, transformation_key: str, variant: str) -> str:
    """The name of one rendered variant: stable across processes and restarts."""
    text = f"{source_etag}\n{transformation_key}\n{variant}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def derived_key(account_id: str, file_id: str, name: str) -> str:
    return derived_prefix(account_id, file_id) + name


def response_etag(name: str, content_type: str) -> str:
    """A strong validator for the variant: its name already covers the source version."""
    digest = hashlib.sha256(f"{name}\n{content_type}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def load_derived(store: BlobStore, key: str) -> tuple[str, bytes] | None:
    """``(content_type, data)`` of a stored variant, or None."""
    try:
        blob = store.get_bytes(key)
    except (BlobNotFound, InvalidBlobKey):
        return None
    content_type, separator, data = blob.partition(b"\n")
    if not separator:
        return None
    return content_type.decode("ascii", "replace"), data


def derived_blob_size(content_type: str, data: bytes) -> int:
    """The bytes a variant's blob takes in the store (content type line + data)."""
    return len(content_type) + 1 + len(data)


def save_derived(store: BlobStore, key: str, content_type: str, data: bytes) -> int:
    """Store a variant; returns the bytes stored (0: not stored)."""
    # A store may offer a cheaper write for blobs that can be made again (LocalBlobStore skips
    # the folder fsyncs); a derived blob lost in a crash is only rendered again.
    put = getattr(store, "put_cache_bytes", store.put_bytes)
    try:
        put(key, content_type.encode("ascii") + b"\n" + data)
    except InvalidBlobKey:  # an account id outside the key alphabet: serve it uncached
        return 0
    return derived_blob_size(content_type, data)
