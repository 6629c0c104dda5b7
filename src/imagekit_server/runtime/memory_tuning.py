"""Process-wide allocator tuning for a server whose render threads allocate large buffers.

glibc gives each thread that contends for the heap its own arena (up to 8 per core) and keeps
freed memory in each, so N render threads hold on to N peaks at once. Capping the arenas keeps
the resident size close to what the renders in flight actually need (about 15 % lower peak
RSS in bench/transform_throughput.py) at no measurable speed cost.

Freed memory in the middle of an arena stays resident until ``malloc_trim`` hands it back; after
a large decode that is tens of MB, so the render path trims after big sources (about 1 ms).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

M_ARENA_MAX = -8  # from glibc's malloc.h


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, loaded once (``find_library`` may run ``ldconfig``)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def limit_malloc_arenas(count: int = 2) -> bool:
    """Cap glibc malloc arenas; False (and no change) on other C libraries."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_ARENA_MAX, count))


def release_free_memory() -> bool:
    """Return the free pages of every malloc arena to the OS (glibc ``malloc_trim(0)``);
    False (and nothing done) on other C libraries."""
    malloc_trim = getattr(_libc(), "malloc_trim", None)
    if malloc_trim is None:
        return False
    malloc_trim(0)
    return True


# Young-generation threshold while serving (CPython's default is 700 allocations).
YOUNG_GC_THRESHOLD = 20_000


def settle_garbage_collector() -> None:
    """Once start-up is done: move what it allocated (the app, its routes, SQLAlchemy's
    metadata: hundreds of thousands of long-lived objects) out of the collector's view and
    collect the young generation less often. Requests allocate few reference cycles, and a
    cache hit does not wait on collections of start-up objects: +4-9 % cache-hit throughput
    in three paired runs here, with a lower p99.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, middle, old)
