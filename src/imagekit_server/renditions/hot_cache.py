"""In-process caches of the delivery hot path, so a cache hit never leaves the event loop.

* :class:`RenderedCache` — a bounded LRU (by bytes) of rendered variants, indexed by file so a
  purge drops every variant of a file at once.
* :class:`TtlMemo` — a short-lived memo (path -> file row, name -> named transformation). Rows
  written through this process's engine invalidate it at once (``invalidate_on_writes``);
  other processes see a change after at most the memo's TTL plus one query: an expired entry
  is served for one more TTL while a single background load refreshes it, so a busy key never
  makes every request in flight query the database at once.

Everything here runs on the event loop thread only (no locks needed); the one exception is the
engine listener, which only clears dictionaries (atomic under the GIL).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sqlalchemy as sa
from anyio import to_thread
from sqlalchemy import event
from sqlalchemy.sql.dml import UpdateBase

from imagekit_server.imaging.encode import IMAGEKIT_DEFAULTS, OutputDefaults
from imagekit_server.imaging.pool import render_executor
from imagekit_server.runtime.single_flight import SingleFlight

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext
    from imagekit_server.settings import Settings

K = TypeVar("K")
# (source version etag, normalised transformation, negotiated variant)
VariantKey = tuple[str, str, str]
V = TypeVar("V")


@dataclass(frozen=True)
class RenderedVariant:
    """One encoded output: its bytes and the response headers that never change."""

    file_id: str
    data: bytes
    content_type: str
    etag: str
    width: int | None = None  # for `Content-DPR` with `w-auto`
    created_at: float = field(default_factory=time.time)
    stored_name: str = ""  # its blob name under the file's derived prefix, if stored there


class RenderedCache:
    """Least-recently-used variants kept while their total size stays within ``max_bytes``.

    Thread-safe: purges arrive from worker threads while the event loop reads.
    """

    def __init__(self, max_bytes: int, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes or max(max_bytes // 8, 1)
        self.size = 0
        self._entries: OrderedDict[VariantKey, RenderedVariant] = OrderedDict()
        self._by_file: dict[str, set[VariantKey]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: VariantKey) -> RenderedVariant | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: VariantKey, variant: RenderedVariant) -> None:
        if len(variant.data) > self.max_entry_bytes:
            return  # one huge image must not flush everything else
        with self._lock:
            self._discard(key)
            self._entries[key] = variant
            self._by_file.setdefault(variant.file_id, set()).add(key)
            self.size += len(variant.data)
            while self.size > self.max_bytes and self._entries:
                self._discard(next(iter(self._entries)))

    def forget_file(self, file_id: str) -> int:
        """Drop every variant of the file; returns how many were dropped."""
        with self._lock:
            keys = self._by_file.pop(file_id, set())
            for key in keys:
                self._discard(key)
            return len(keys)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._by_file.clear()
            self.size = 0

    def _discard(self, key: VariantKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.size -= len(entry.data)
        keys = self._by_file.get(entry.file_id)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_file[entry.file_id]


class TtlMemo(Generic[K, V]):
    """A bounded memo whose entries expire ``ttl`` seconds after they were stored."""

    def __init__(self, ttl: float, max_entries: int = 50_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._loading: SingleFlight[K, V] = SingleFlight()
        # Bumped by ``clear``: a value looked up before a clear must not be stored after it.
        self.generation = 0

    def get(self, key: K, now: float | None = None) -> tuple[bool, V | None]:
        """``(found, value)``; ``found`` is False when absent or expired."""
        found = self._entries.get(key)
        if found is None:
            return False, None
        expires, value = found
        if (now if now is not None else time.monotonic()) >= expires:
            return False, None
        return True, value

    async def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        """The value for ``key``: from the memo while fresh; the expired value for one more
        TTL while one background ``load`` refreshes it; else loaded once, in a worker thread,
        for every caller waiting on the same key."""
        found = self._entries.get(key)
        if found is not None:
            expires, value = found
            now = time.monotonic()
            if now < expires:
                return value
            if now < expires + self.ttl:
                if key not in self._loading:
                    self._start_load(key, load)
                return value
        return await asyncio.shield(self._start_load(key, load))

    def _start_load(self, key: K, load: Callable[[], V]) -> asyncio.Future[V]:
        generation = self.generation

        async def load_and_keep() -> V:
            value = await to_thread.run_sync(load)
            self.put(key, value, generation)
            return value

        return self._loading.start(key, load_and_keep)

    def put(self, key: K, value: V, generation: int | None = None) -> None:
        """Store ``value``, unless the memo was cleared since ``generation`` was read."""
        if self.ttl <= 0 or (generation is not None and generation != self.generation):
            return
        self._entries[key] = (time.monotonic() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()


class BoundedMemo(Generic[K, V]):
    """A memo for pure functions (no expiry), bounded by entry count."""

    def __init__(self, function: Callable[[K], V], max_entries: int = 4096) -> None:
        self.function = function
        self.max_entries = max_entries
        self._entries: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        try:
            return self._entries[key]
        except KeyError:
            pass
        value = self.function(key)
        if len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = value
        return value

    def clear(self) -> None:
        self._entries.clear()


_FLAG = "imagekit_delivery_tables_written"


def invalidate_on_writes(
    engine: sa.Engine, table_names: Iterable[str], clear: Callable[[], None]
) -> None:
    """Call ``clear`` after a write to one of ``table_names`` through ``engine``: at once, when
    the transaction commits and again when its connection returns to the pool (after the
    database has committed), so a reader racing the commit cannot keep the old row."""
    watched = frozenset(table_names)

    def after_execute(conn: sa.Connection, clause: Any, *_args: Any) -> None:
        if isinstance(clause, UpdateBase) and getattr(clause.table, "name", None) in watched:
            conn.info[_FLAG] = True
            clear()

    def on_commit(conn: sa.Connection) -> None:
        if conn.info.get(_FLAG):
            clear()

    def on_rollback(conn: sa.Connection) -> None:
        conn.info.pop(_FLAG, None)

    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_FLAG, False):
            clear()

    event.listen(engine, "after_execute", after_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    event.listen(engine, "checkin", on_checkin)


# Tables whose rows the delivery memos copy: a write to one of them clears the memos.
WATCHED_TABLES = ("files", "file_versions", "named_transformations")


class DeliveryCaches:
    """The per-process caches of the URL endpoint, one instance per server context."""

    def __init__(
        self,
        memory_bytes: int = 64 * 1024 * 1024,
        lookup_ttl_seconds: float = 1.0,
        derived_cache: bool = True,
        output: OutputDefaults | None = None,
    ) -> None:
        self.derived_cache = derived_cache
        # The encoder defaults every variant of this process is rendered with (settings).
        self.output = output or IMAGEKIT_DEFAULTS
        self.rendered = RenderedCache(memory_bytes if derived_cache else 0)
        self.rows: TtlMemo[tuple[str, str, str], Any] = TtlMemo(lookup_ttl_seconds)
        self.named: TtlMemo[tuple[str, str], str | None] = TtlMemo(lookup_ttl_seconds)
        self.lookup_ttl_seconds = lookup_ttl_seconds
        # Renders in progress, so concurrent misses for one variant render it once.
        self.inflight: SingleFlight[str, RenderedVariant] = SingleFlight()

    def forget_lookups(self) -> None:
        self.rows.clear()
        self.named.clear()

    def forget_file(self, file_id: str) -> None:
        """A purge or an overwrite: drop the file's rendered variants and every memo."""
        self.rendered.forget_file(file_id)
        self.forget_lookups()

    def watch(self, engine: sa.Engine) -> None:
        invalidate_on_writes(engine, WATCHED_TABLES, self.forget_lookups)


def delivery_caches(context: ServerContext) -> DeliveryCaches:
    """The context's caches, created (and kept on it) on first use."""
    found = context.components.get(DeliveryCaches)  # twice a hit: no method call
    return found if found is not None else context.component(DeliveryCaches, _make_caches, context)


def _make_caches(context: ServerContext) -> DeliveryCaches:
    settings = context.settings
    caches = DeliveryCaches(
        memory_bytes=settings.memory_cache_bytes,
        lookup_ttl_seconds=settings.delivery_lookup_ttl_seconds,
        derived_cache=settings.derived_cache,
        output=output_defaults(settings),
    )
    caches.watch(context.engine)
    # Size the shared render pool before its first use (0: one thread per core).
    render_executor(settings.render_workers or None)
    return caches


def output_defaults(settings: Settings) -> OutputDefaults:
    """The account-level output settings; ImageKit's defaults themselves when equal to them."""
    output = OutputDefaults(
        quality=settings.default_quality,
        auto_avif=settings.auto_avif,
        chroma_subsampling=settings.chroma_subsampling,
        progressive_jpeg=settings.progressive_jpeg,
        avif_effort=settings.avif_effort,
        format_strategy=settings.format_strategy,
    )
    return IMAGEKIT_DEFAULTS if output == IMAGEKIT_DEFAULTS else output


def forget_cached_variants(context: ServerContext, file_id: str) -> None:
    """The purge hook's in-process half: drop the file's variants if caches exist."""
    caches = context.existing_component(DeliveryCaches)
    if caches is not None:
        caches.forget_file(file_id)
