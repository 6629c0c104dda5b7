"""A bounded pool of render PROCESSES per server process: decoding and encoding never run on
the event loop nor in the server's own address space (a codec crash on a hostile file kills a
worker, which the pool replaces, not the server). Each process has a memory cap
(``video_render_memory_bytes``, RLIMIT_DATA): past it allocations fail, which the jobs answer
as a 400 ``ELIMIT`` (docs/video.md)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import resource
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from imagekit_server.imaging.errors import TransformationError, processing_failed
from imagekit_server.settings import Settings
from imagekit_server.video.outputs import OUT_OF_MEMORY

T = TypeVar("T")

_lock = threading.Lock()
_pools: dict[tuple[int, int], concurrent.futures.ProcessPoolExecutor] = {}


def _start_worker(memory_bytes: int) -> None:
    """In each new render process: load the render code, then cap the process's memory.
    RLIMIT_DATA (private writable memory, mmap included) rather than RLIMIT_AS: x264's and
    glibc's per-thread reservations are address space that is never used."""
    import imagekit_server.video.jobs  # noqa: F401  (loaded under no cap: imports only)

    if memory_bytes:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:  # a lower cap from outside stays (raising fails)
            memory_bytes = min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))


def _pool(key: tuple[int, int]) -> concurrent.futures.ProcessPoolExecutor:
    with _lock:
        pool = _pools.get(key)
        if pool is None:
            workers, memory_bytes = key
            # spawn: a fork of a threaded server process could inherit held locks.
            context = multiprocessing.get_context("spawn")
            pool = concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=context, initializer=_start_worker, initargs=(memory_bytes,)
            )
            _pools[key] = pool
        return pool


async def run_in_render_process(settings: Settings, function: Callable[..., T], *args: Any) -> T:
    """Run ``function(*args)`` in a render process of the pool ``settings`` describe
    (``video_render_workers`` processes capped at ``video_render_memory_bytes``); a crashed
    worker becomes a 500 ``TransformationError`` and the pool is rebuilt for the next render."""
    loop = asyncio.get_running_loop()
    key = (settings.video_render_workers, settings.video_render_memory_bytes)
    pool = _pool(key)
    try:
        result = await loop.run_in_executor(pool, function, *args)
    except TransformationError:
        raise
    except concurrent.futures.process.BrokenProcessPool:
        _retire(key, pool)
        raise processing_failed("the video render process crashed on this file") from None
    if key[1] and _failed_inside(result):
        # Past its cap a process may keep what it could allocate (a codec's half-built
        # state, the allocator's arenas) and fail every later render: new processes take
        # over; the old ones finish what they hold, then exit.
        _retire(key, pool)
    return result


def _failed_inside(result: object) -> bool:
    """A job's ``("error", (status, code, message))`` where an allocation past the cap shows
    up: a 5xx, or the out-of-memory limit (not a refusal of the request, such as a size over
    a limit, which would make new processes for nothing)."""
    if not (isinstance(result, tuple) and len(result) == 2 and result[0] == "error"):
        return False
    status, _, message = result[1]
    return bool(status >= 500 or message == OUT_OF_MEMORY)


def _retire(key: tuple[int, int], pool: concurrent.futures.ProcessPoolExecutor) -> None:
    with _lock:
        if _pools.get(key) is pool:
            del _pools[key]
    pool.shutdown(wait=False)


def shutdown_pools() -> None:
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
