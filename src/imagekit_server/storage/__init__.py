"""Blob storage: where the server keeps file bytes (originals, versions, derived images).

``open_store(url)`` picks a backend by URL scheme; every backend implements ``BlobStore``.
"""

from __future__ import annotations

from .base import (
    BlobNotFound,
    BlobReadInterrupted,
    BlobStat,
    BlobStore,
    InvalidBlobKey,
    validate_key,
    validate_prefix,
)
from .local import LocalBlobStore
from .registry import BackendFactory, open_store, register_backend, registered_schemes

__all__ = [
    "BackendFactory",
    "BlobNotFound",
    "BlobReadInterrupted",
    "BlobStat",
    "BlobStore",
    "InvalidBlobKey",
    "LocalBlobStore",
    "open_store",
    "register_backend",
    "registered_schemes",
    "validate_key",
    "validate_prefix",
]
