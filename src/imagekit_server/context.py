"""Everything a running server needs, built once from the settings (no module globals)."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from imagekit_server.accounts import Account, AccountDirectory, ensure_account
from imagekit_server.db.engine import create_engine
from imagekit_server.db.migrate import upgrade_to_head
from imagekit_server.process_lease import ProcessLease, lease_is_dead, remove_dead_lease
from imagekit_server.settings import Settings
from imagekit_server.storage import BlobStore, LocalBlobStore, open_store

log = logging.getLogger("imagekit_server")


@dataclass
class ServerContext:
    settings: Settings
    engine: sa.Engine
    store: BlobStore
    accounts: AccountDirectory
    lease: ProcessLease
    spool_dir: Path  # this process's temp files, on the store's filesystem when local
    default_account: Account
    default_account_created: bool

    def close(self) -> None:
        shutil.rmtree(self.spool_dir, ignore_errors=True)
        self.lease.release()
        self.engine.dispose()


def spool_root(settings: Settings, store: BlobStore) -> Path:
    if isinstance(store, LocalBlobStore):
        return store.temp_dir / "uploads"
    return settings.data_dir / "tmp"


def run_dir(settings: Settings) -> Path:
    return settings.data_dir / "run"


def open_context(settings: Settings) -> ServerContext:
    """Connect, migrate, make sure the default account exists and clean up after dead
    processes. Safe to run in several processes at once."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    if settings.migrate_on_start:
        upgrade_to_head(engine)
    store = open_store(settings.storage_url)
    account, created = ensure_account(
        engine,
        settings.imagekit_id,
        public_key=settings.public_key,
        private_key=settings.private_key,
    )
    lease = ProcessLease(run_dir(settings))
    spool_dir = spool_root(settings, store) / lease.token
    spool_dir.mkdir(parents=True, exist_ok=True)
    context = ServerContext(
        settings, engine, store, AccountDirectory(engine), lease, spool_dir, account, created
    )
    from imagekit_server.fsck import recover_dead_intents

    recovered = recover_dead_intents(context)
    if recovered:
        log.info("start-up recovery removed %d unfinished blob(s)", recovered)
    remove_dead_leftovers(spool_dir.parent, run_dir(settings))
    return context


def remove_dead_leftovers(spools: Path, leases: Path) -> None:
    """Remove the spool directories and lease files of dead processes (e.g. killed
    mid-upload); run after intent recovery, which needs the lease files."""
    for directory in spools.iterdir():
        if directory.is_dir() and lease_is_dead(leases, directory.name):
            shutil.rmtree(directory, ignore_errors=True)
    for lock in leases.glob("*.lock"):
        if lease_is_dead(leases, lock.stem):
            remove_dead_lease(leases, lock.stem)
