"""Blob storage: where the server keeps file bytes (originals, versions, derived images).

``open_store(url)`` picks a backend by URL scheme; every backend implements ``BlobStore``:

- a directory path or ``file:///abs/path``: ``LocalBlobStore`` (files under the directory);
- ``s3://bucket/prefix``: ``S3BlobStore`` (``imagekit_server.storage.s3``, needs boto3). The
  endpoint comes from ``IMAGEKIT_S3_ENDPOINT_URL``, else ``AWS_ENDPOINT_URL_S3``, else
  ``AWS_ENDPOINT_URL`` (unset: AWS itself); region and credentials from the usual ``AWS_*``
  variables.

A third-party backend is a class with the ``BlobStore`` methods plus
``register_backend("scheme", factory)``, where ``factory(url)`` returns the store. To check it,
run ``tests/server/storage/test_contract.py`` with the ``store`` fixture returning it.
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
