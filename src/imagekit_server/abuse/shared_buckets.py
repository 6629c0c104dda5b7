"""Token buckets in memory shared by the processes of one ``serve --workers N`` server.

The supervisor maps the table (anonymous shared memory) before it forks the workers, so every
worker sees and updates the same buckets and a client gets the configured rate from the whole
server, not N times it. A bucket lives in a slot chosen by a 64-bit hash of the client, with a
short linear probe; when every slot of the probe holds another client, the one updated longest
ago is taken over (that client starts again with a full bucket: lenient, never stricter).
One lock per table, held for a few microseconds, and only by requests that a limit covers
(uploads, management calls, uncached renders). It is a POSIX record lock on an unlinked file
the workers inherit, so the kernel releases it when a process dies holding it (a semaphore
would stay taken and stop every worker), with a thread lock in front (record locks are per
process).
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import tempfile
import threading
import weakref

SLOTS = 16_384  # clients tracked per limit (393 KiB of shared memory)
PROBE = 8  # slots tried per client
_SLOT = struct.Struct("<Qdd")  # client hash (0: empty), tokens, updated at (time.monotonic)


class SharedBuckets:
    """Buckets of one limit, shared across forked processes."""

    def __init__(self, slots: int = SLOTS) -> None:
        self._slots = slots
        self._memory = mmap.mmap(-1, slots * _SLOT.size)  # MAP_SHARED: forks share it
        self._lock_descriptor = _unlinked_file()
        weakref.finalize(self, os.close, self._lock_descriptor)
        self._thread_lock = threading.Lock()

    def take(self, client: str, burst: float, per_second: float, now: float) -> float:
        """Take a token for ``client``: 0 when one was there, else seconds until one is."""
        key = _hash(client)
        descriptor = self._lock_descriptor
        with self._thread_lock:
            fcntl.lockf(descriptor, fcntl.LOCK_EX)
            try:
                offset, tokens, updated = self._find(key, burst, now)
                tokens = min(burst, tokens + (now - updated) * per_second)
                wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / per_second
                left = tokens - 1.0 if wait == 0.0 else tokens
                _SLOT.pack_into(self._memory, offset, key, left, now)
            finally:
                fcntl.lockf(descriptor, fcntl.LOCK_UN)
        return wait

    def _find(self, key: int, burst: float, now: float) -> tuple[int, float, float]:
        """The slot of ``key`` with its tokens and update time (a new client's: full)."""
        start = key % self._slots
        oldest_offset, oldest_time = -1, float("inf")
        for step in range(PROBE):
            offset = ((start + step) % self._slots) * _SLOT.size
            held, tokens, updated = _SLOT.unpack_from(self._memory, offset)
            if held == key:
                return offset, tokens, updated
            if held == 0:
                return offset, burst, now
            if updated < oldest_time:
                oldest_offset, oldest_time = offset, updated
        return oldest_offset, burst, now


def _unlinked_file() -> int:
    """A descriptor of an empty file no other program can open (the lock's target)."""
    descriptor, path = tempfile.mkstemp(prefix="ik-rate-limit-")
    os.unlink(path)
    return descriptor


def _hash(client: str) -> int:
    """A 64-bit hash, never 0 (0 marks an empty slot); stable across processes."""
    digest = hashlib.blake2b(client.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1
