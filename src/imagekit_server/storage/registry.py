"""The storage-backend registry: URL scheme -> factory, and ``open_store``.

Built-in backends register here exactly as a third party would::

    register_backend("gs", lambda url: MyGcsStore.from_url(url))
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .base import BlobStore

__all__ = ["BackendFactory", "open_store", "register_backend", "registered_schemes"]

BackendFactory = Callable[[str], BlobStore]
"""Builds a store from the full storage URL (for example ``"s3://bucket/prefix"``)."""

_FACTORIES: dict[str, BackendFactory] = {}


def register_backend(scheme: str, factory: BackendFactory) -> None:
    """Make ``open_store`` hand URLs with ``scheme`` (case-insensitive) to ``factory``.

    Registering a scheme again replaces its factory.
    """
    if not scheme or not scheme.isascii() or not scheme.replace("+", "").isalnum():
        raise ValueError(f"not a URL scheme: {scheme!r}")
    _FACTORIES[scheme.lower()] = factory


def registered_schemes() -> list[str]:
    """The schemes ``open_store`` understands, sorted."""
    return sorted(_FACTORIES)


def open_store(url: str) -> BlobStore:
    """Open the blob store that ``url`` names.

    ``"s3://bucket/prefix"`` opens an S3 (or S3-compatible) bucket; ``"file:///abs/path"`` or a
    plain filesystem path opens a local directory (created if missing). Other schemes come from
    ``register_backend``.
    """
    if not url:
        raise ValueError("storage URL is empty")
    scheme = _scheme_of(url)
    if scheme is None:
        return _open_local(url)
    try:
        factory = _FACTORIES[scheme]
    except KeyError:
        known = ", ".join(registered_schemes())
        raise ValueError(f"unknown storage URL scheme {scheme!r} (known: {known})") from None
    return factory(url)


def _scheme_of(url: str) -> str | None:
    """The URL's scheme, or ``None`` for a plain path (including ``C:\\`` style ones)."""
    head, sep, _rest = url.partition("://")
    if not sep or len(head) < 2 or "/" in head:
        return None
    return head.lower()


def _open_local(url: str) -> BlobStore:
    from .local import LocalBlobStore

    if _scheme_of(url) == "file":
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file URL must name a local path: {url!r}")
        return LocalBlobStore(Path(unquote(parts.path)))
    return LocalBlobStore(Path(url).expanduser())


def _open_s3(url: str) -> BlobStore:
    # Imported lazily so local-only deployments need not install boto3.
    from .s3 import S3BlobStore

    return S3BlobStore.from_url(url)


register_backend("file", _open_local)
register_backend("s3", _open_s3)
