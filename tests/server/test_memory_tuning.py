"""Allocator tuning on glibc: arenas can be capped, and freed heap pages go back to the OS."""

from __future__ import annotations

import subprocess
import sys

from imagekit_server.runtime.memory_tuning import limit_malloc_arenas

# In a fresh process, so that the heap holds nothing but what the program does. 64 KiB blocks
# come from the heap (below the mmap threshold); the small blocks between them stay alive, so
# freeing the big ones leaves holes that only a trim hands back.
TRIM_PROGRAM = """
import os
from pathlib import Path
from imagekit_server.runtime.memory_tuning import release_free_memory

def resident_mb():
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

big, pinned = [], []
for _ in range(640):
    big.append(os.urandom(64 * 1024))
    pinned.append(os.urandom(1024))
del big
held = resident_mb()
trimmed = release_free_memory()
print(trimmed, held, resident_mb(), len(pinned))
"""


def test_arena_cap_is_accepted() -> None:
    assert limit_malloc_arenas(2) is True


def test_trim_returns_freed_holes_to_the_os() -> None:
    result = subprocess.run(
        [sys.executable, "-c", TRIM_PROGRAM], capture_output=True, check=True, timeout=60
    )
    trimmed, held, after, pinned = result.stdout.split()
    assert trimmed == b"True" and pinned == b"640"
    assert float(after) < float(held) - 20  # MB: the ~40 MB of holes went back


def test_settling_the_collector_freezes_start_up_objects() -> None:
    program = (
        "import gc\n"
        "from imagekit_server.runtime.memory_tuning import YOUNG_GC_THRESHOLD\n"
        "from imagekit_server.runtime.memory_tuning import settle_garbage_collector\n"
        "start_up = [[i] for i in range(10_000)]\n"
        "settle_garbage_collector()\n"
        "assert gc.get_freeze_count() >= 10_000, gc.get_freeze_count()\n"
        "assert gc.get_threshold()[0] == YOUNG_GC_THRESHOLD\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
