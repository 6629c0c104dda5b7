"""The source of a URL transformation that starts with ``e-bgremove`` / ``e-removedotbg`` /
``e-changebg``: the file with its background removed by the configured ``remove-bg``
provider, computed once per file version and kept in memory (the rendered variants are then
cached like any other).

A removal still running after ``IMAGEKIT_AI_RENDER_WAIT`` seconds is not waited for: the
request is answered with ImageKit's intermediate response (200, ``is-intermediate-response:
true``, not cached) while the work goes on, and a later request gets the result. A failure
is remembered for ``FAILURE_SECONDS``, as ImageKit caches failed AI URLs briefly.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from anyio import to_thread

from imagekit_server.context import ServerContext
from imagekit_server.extensions.providers import BackgroundOptions, ProviderError
from imagekit_server.extensions.registry import providers
from imagekit_server.imaging import TransformationError

MEMORY_BYTES = 64 * 1024 * 1024
FAILURE_SECONDS = 60.0


class StillProcessing(Exception):
    """The background removal is running; answer with the intermediate response
    (delivery/variant_response.py)."""


@dataclass
class _Cutouts:
    done: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    failed: dict[str, tuple[float, str]] = field(default_factory=dict)
    running: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    size: int = 0
    limit: asyncio.Semaphore | None = None

    def keep(self, key: str, data: bytes) -> None:
        self.done[key] = data
        self.size += len(data)
        while self.size > MEMORY_BYTES and len(self.done) > 1:
            _, dropped = self.done.popitem(last=False)
            self.size -= len(dropped)


async def cutout_source(context: ServerContext, blob_key: str, etag: str, kind: str) -> bytes:
    """The cut-out PNG of one file version; raises ``StillProcessing`` or a 400
    ``TransformationError`` naming the provider's reason."""
    cutouts = context.component(_Cutouts, _Cutouts)
    key = f"{etag}|{kind}|{context.settings.extension_remove_bg}"
    found = cutouts.done.get(key)
    if found is not None:
        cutouts.done.move_to_end(key)
        return found
    _raise_recent_failure(cutouts, key)
    task = cutouts.running.get(key)
    if task is None:
        if cutouts.limit is None:
            cutouts.limit = asyncio.Semaphore(context.settings.extension_workers)
        task = asyncio.get_running_loop().create_task(_compute(context, cutouts, key, blob_key))
        cutouts.running[key] = task
    try:
        await asyncio.wait_for(asyncio.shield(task), context.settings.ai_render_wait_seconds)
    except TimeoutError:
        raise StillProcessing(key) from None
    _raise_recent_failure(cutouts, key)
    return cutouts.done[key]


def _raise_recent_failure(cutouts: _Cutouts, key: str) -> None:
    failure = cutouts.failed.get(key)
    if failure is not None and time.monotonic() - failure[0] < FAILURE_SECONDS:
        raise TransformationError(400, "EAIFAILED", f"background removal failed: {failure[1]}")


async def _compute(context: ServerContext, cutouts: _Cutouts, key: str, blob_key: str) -> None:
    assert cutouts.limit is not None
    try:
        async with cutouts.limit:
            data = await to_thread.run_sync(_remove, context, blob_key)
        cutouts.failed.pop(key, None)
        cutouts.keep(key, data)
    except ProviderError as error:
        cutouts.failed[key] = (time.monotonic(), str(error))
    finally:
        cutouts.running.pop(key, None)


def _remove(context: ServerContext, blob_key: str) -> bytes:
    image = context.store.get_bytes(blob_key)
    return providers(context).remover().remove_background(image, BackgroundOptions()).data
