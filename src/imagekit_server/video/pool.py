"""A bounded pool of render PROCESSES per server process: decoding and encoding never run on
the event loop nor in the server's own address space (a codec crash on a hostile file kills a
worker, which the pool replaces, not the server)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from imagekit_server.imaging.errors import TransformationError, processing_failed

T = TypeVar("T")

_lock = threading.Lock()
_pools: dict[int, concurrent.futures.ProcessPoolExecutor] = {}


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    with _lock:
        pool = _pools.get(workers)
        if pool is None:
            # spawn: a fork of a threaded server process could inherit held locks.
            context = multiprocessing.get_context("spawn")
            pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)
            _pools[workers] = pool
        return pool


async def run_in_render_process(workers: int, function: Callable[..., T], *args: Any) -> T:
    """Run ``function(*args)`` in a render process; a crashed worker becomes a 500
    ``TransformationError`` and the pool is rebuilt for the next render."""
    loop = asyncio.get_running_loop()
    pool = _pool(workers)
    try:
        return await loop.run_in_executor(pool, function, *args)
    except TransformationError:
        raise
    except concurrent.futures.process.BrokenProcessPool:
        with _lock:
            if _pools.get(workers) is pool:
                del _pools[workers]
        pool.shutdown(wait=False)
        raise processing_failed("the video render process crashed on this file") from None


def shutdown_pools() -> None:
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
