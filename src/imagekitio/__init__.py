"""ImageKit Python SDK, a drop-in for ``imagekitio`` 4.x: ``ImageKit`` and ``AsyncImageKit``.

Everything 4.x offered keeps its import path, name and signature. Beyond 4.x (keyword-only
constructor arguments, all optional):

* ``api_base_url`` / ``upload_base_url``: where requests go. Precedence: the argument, then the
  ``IMAGEKIT_API_BASE_URL`` / ``IMAGEKIT_UPLOAD_BASE_URL`` environment variables (read when the
  client is created), then ``imagekitio.constants.url.URL`` (read on every call).
* ``timeout``: seconds to wait for a connection and for each read (float or
  ``(connect, read)``), 60 by default; a slow but steady upload is not cut off.
* ``max_retries``: extra attempts (default 2) after connection errors, timeouts and 429/5xx,
  only for requests safe to repeat (GET, DELETE, PUT, tag changes; never uploads), waiting as
  ``Retry-After`` / ``X-RateLimit-Reset`` say, else with exponential backoff.

``upload_file`` streams binary files and paths as file parts (memory stays flat); ``str`` and
``bytes`` keep their 4.x meaning (a plain field holding a URL, base64 text or raw content).
Errors: the 4.x classes in ``imagekitio.exceptions`` subclass the tree in ``imagekitio.errors``.
``AsyncImageKit`` needs the ``async`` extra (``httpx2``).
"""

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
