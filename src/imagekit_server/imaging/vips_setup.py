"""Process-wide libvips settings: bounded memory and one thread per image.

Untrusted loaders are refused per source by an allow-list (``loading.inspect_source``) rather
than globally, so SVG/PDF can be enabled per request through ``Limits``.
"""

from __future__ import annotations

import threading

import pyvips

_lock = threading.Lock()
_configured = False


def configure_libvips() -> None:
    """Idempotent. Parallelism comes from the worker pool, so each image gets one thread."""
    global _configured
    with _lock:
        if _configured:
            return
        pyvips.cache_set_max(0)
        pyvips.concurrency_set(1)
        _configured = True
