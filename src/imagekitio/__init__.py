"""ImageKit Python SDK (4.x-compatible): ``ImageKit`` (sync) and ``AsyncImageKit`` (async)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client import ImageKit

if TYPE_CHECKING:
    from .async_client import AsyncImageKit

__all__ = ["AsyncImageKit", "ImageKit"]


def __getattr__(name: str) -> Any:
    # The async client needs the optional ``httpx2`` dependency only when it is used.
    if name == "AsyncImageKit":
        from .async_client import AsyncImageKit

        return AsyncImageKit
    raise AttributeError(f"module 'imagekitio' has no attribute {name!r}")
