"""A bounded worker pool for renders: about one worker per core, libvips single-threaded each.

libvips releases the GIL while it computes, so threads give real parallelism; bounding the pool
bounds memory and keeps the event loop of the HTTP layer free.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from imagekit_server.imaging.vips_setup import configure_libvips

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def render_executor(workers: int | None = None) -> ThreadPoolExecutor:
    """The shared executor, created on first use with ``workers`` (default: CPU count)."""
    global _executor
    with _lock:
        if _executor is None:
            configure_libvips()
            _executor = ThreadPoolExecutor(
                max_workers=workers or default_workers(), thread_name_prefix="imaging"
            )
        return _executor


async def run_in_pool(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``function(*args, **kwargs)`` on the render pool and await its result."""
    loop = asyncio.get_running_loop()
    call = functools.partial(function, *args, **kwargs)
    return await loop.run_in_executor(render_executor(), call)


def shutdown_pool() -> None:
    """Stop the shared executor (tests, application shutdown)."""
    global _executor
    with _lock:
        if _executor is not None:
            _executor.shutdown(wait=True)
            _executor = None
