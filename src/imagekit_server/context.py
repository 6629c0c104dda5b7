"""Everything a running server needs, built once from the settings (no module globals)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, TypeVarTuple, Unpack

import sqlalchemy as sa

from imagekit_server.accounts import Account, AccountDirectory, ensure_account
from imagekit_server.db.engine import create_engine, refresh_statistics
from imagekit_server.runtime.blob_intents import recover_dead_intents
from imagekit_server.runtime.leftovers import font_directory, sweep_directories
from imagekit_server.runtime.process_lease import ProcessLease, lease_is_dead, remove_dead_lease
from imagekit_server.runtime.spool import SpoolArea
from imagekit_server.settings import Settings
from imagekit_server.storage import BlobStore, LocalBlobStore, open_store

log = logging.getLogger("imagekit_server")

T = TypeVar("T")
Args = TypeVarTuple("Args")


@dataclass
class ServerContext:
    settings: Settings
    engine: sa.Engine
    store: BlobStore
    accounts: AccountDirectory
    lease: ProcessLease
    spool: SpoolArea  # this process's temp files, on the store's filesystem when local
    default_account: Account
    default_account_created: bool
    # State other modules create on first use, one instance per class (see `component`): the
    # URL endpoint's in-process caches among them (renditions/hot_cache.py), so commands that
    # never deliver (fsck, keys, migrate) do not build them.
    # (values typed Any: each is an instance of its key, checked when it is made). The hot
    # path's accessors read it directly (``components.get(kind)``, one C call) and call
    # ``component`` only the first time: a method call per accessor, four on every cache hit,
    # cost about 1.3k instructions each (bench/README.md, "Seventh pass").
    components: dict[type, Any] = field(default_factory=dict, repr=False)

    def component(self, kind: type[T], make: Callable[[Unpack[Args]], T], *args: Unpack[Args]) -> T:
        """This context's instance of ``kind`` (a cache, counter or runner of some module),
        made by ``make(*args)`` on first use; it lives and dies with the context,
        never in a global. Arguments rather than a closure: the hot path asks on every
        request and should not make a function object each time."""
        found: T | None = self.components.get(kind)
        if found is None:
            made = make(*args)
            assert isinstance(made, kind)
            found = self.components.setdefault(kind, made)
        return found

    def existing_component(self, kind: type[T]) -> T | None:
        """This context's instance of ``kind`` if some module made one, else None."""
        found = self.components.get(kind)
        assert found is None or isinstance(found, kind)
        return found

    def close(self) -> None:
        self.spool.remove_own_files()
        self.lease.release()
        self.engine.dispose()


def spool_directory(settings: Settings, store: BlobStore) -> Path:
    if isinstance(store, LocalBlobStore):
        return store.temp_dir
    return settings.data_dir / "tmp"


def run_dir(settings: Settings) -> Path:
    return settings.data_dir / "run"


def open_context(settings: Settings) -> ServerContext:
    """Connect, migrate, make sure the default account exists and clean up after dead
    processes. Safe to run in several processes at once."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    if settings.migrate_on_start:
        # Imported here: alembic (~11 MB with mako) stays out of processes that do not migrate
        # (``serve`` migrates in a short-lived child first: db/migration_process.py).
        from imagekit_server.db.migrate import upgrade_to_head

        upgrade_to_head(engine)
    refresh_statistics(engine)
    store = open_store(settings.storage_url)
    account, created = ensure_account(
        engine,
        settings.imagekit_id,
        public_key=settings.public_key,
        private_key=settings.private_key,
    )
    lease = ProcessLease(run_dir(settings))
    spool = SpoolArea(spool_directory(settings, store), lease.token)
    spool.directory.mkdir(parents=True, exist_ok=True)
    context = ServerContext(
        settings, engine, store, AccountDirectory(engine), lease, spool, account, created
    )
    recovered = recover_dead_intents(engine, store, lease)
    if recovered:
        log.info("start-up recovery removed %d unfinished blob(s)", recovered)
    sweep_directories(spool.directory, run_dir(settings), font_directory(settings))
    remove_dead_leases(run_dir(settings))
    return context


def remove_dead_leases(leases: Path) -> None:
    """Lease files of dead processes, once their leftovers are gone (run after recovery,
    which needs them)."""
    for lock in leases.glob("*.lock"):
        if lease_is_dead(leases, lock.stem):
            remove_dead_lease(leases, lock.stem)
