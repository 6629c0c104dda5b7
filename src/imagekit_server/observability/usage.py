"""Usage figures: bytes delivered per account and UTC day, and storage in use.

Delivery counts the body bytes of its responses in memory (``delivery/fast_path.py``), and
``flush_bandwidth`` (run by ``runtime.periodic_flush.PeriodicFlusher``) adds the counts to
``bandwidth_usage`` every ``Settings.usage_flush_seconds`` and when the server stops; so the
hot path never touches the database for usage.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import date
from time import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction, write_transaction
from imagekit_server.db.tables import accounts, bandwidth_usage, file_versions
from imagekit_server.db.tables import origin_cache as origin_cache_table

log = logging.getLogger("imagekit_server.observability.usage")


class BandwidthCounter:
    """Bytes per (account, UTC day) not yet written to the database. Thread-safe.

    ``delivered`` runs on every delivered response, so it does as little as Python allows:
    one clock read, a comparison and a list ``extend`` of the (account, bytes) pair, which
    the GIL makes atomic. Once a second, and at each UTC midnight, the pairs are summed into
    the day's counts under the lock (``_settle``). Keyed with ``datetime.now(...).date()`` and
    a locked dict update per response, the count cost some 6,700 instructions a hit, 4 % of
    it (bench/README.md, "Seventh pass")."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}  # (account, days since the epoch)
        self._lock = threading.Lock()
        # Held from drain to commit: a reader that flushes first (the usage API) must wait for
        # counts the background flush has drained but not yet committed, or it misses them.
        self.flushing = threading.Lock()
        # account, bytes, account, bytes, ... delivered on ``_day``, not yet summed. Never
        # replaced (a writer may hold it): the sum takes a copy and deletes that prefix.
        self._pending: list[str | int] = []
        self._note = self._pending.extend
        self._day = 0  # days since the epoch of what is pending
        self._settle_at = 0.0  # time() of the next sum: within a second, at most midnight

    def delivered(self, account_id: str, size: int) -> None:
        """``size`` (> 0) bytes sent for ``account_id`` now. Every pending pair was noted
        before ``_settle_at``, so on ``_day``: the sum runs before the first pair after it.
        (With several writer threads, one preempted between the two lines could put one
        response of just before midnight into the next day.)"""
        if time() >= self._settle_at:
            self._settle()
        self._note((account_id, size))

    def add(self, account_id: str, size: int, day: date | None = None) -> None:
        """``size`` bytes for ``account_id`` on ``day`` (today when None)."""
        if size <= 0:
            return
        if day is None:
            self.delivered(account_id, size)
            return
        with self._lock:
            self._add(account_id, day.toordinal() - _EPOCH_ORDINAL, size)

    def drain(self) -> dict[tuple[str, date], int]:
        with self._lock:
            self._sum_pending()
            counts, self._counts = self._counts, {}
        return {
            (account_id, date.fromordinal(_EPOCH_ORDINAL + days)): size
            for (account_id, days), size in counts.items()
        }

    def restore(self, counts: dict[tuple[str, date], int]) -> None:
        """Put back counts a failed flush could not write."""
        for (account_id, day), size in counts.items():
            self.add(account_id, size, day)

    def _settle(self) -> None:
        with self._lock:
            self._sum_pending()
            now = time()
            self._day = int(now // _DAY)
            self._settle_at = min(now + _SETTLE_SECONDS, (self._day + 1) * _DAY)

    def _sum_pending(self) -> None:
        """The pending pairs added to ``_day``'s counts (the lock held)."""
        pairs = self._pending[:]
        if not pairs:
            return
        del self._pending[: len(pairs)]
        accounts, sizes = pairs[0::2], pairs[1::2]
        if accounts.count(accounts[0]) == len(accounts):  # one account: one C pass
            self._add(str(accounts[0]), self._day, sum(map(int, sizes)))
            return
        for account, size in zip(accounts, sizes, strict=True):
            self._add(str(account), self._day, int(size))

    def _add(self, account_id: str, days: int, size: int) -> None:
        key = (account_id, days)
        self._counts[key] = self._counts.get(key, 0) + size


_DAY = 86400.0  # seconds; POSIX time has no leap seconds, so days since the epoch divide evenly
_SETTLE_SECONDS = 1.0
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def bandwidth_counter(context: ServerContext) -> BandwidthCounter:
    return context.component(BandwidthCounter, BandwidthCounter)


def flush_bandwidth(context: ServerContext) -> int:
    """Add this process's counts to the table (accounts that exist only); returns the
    number of rows written."""
    counter = bandwidth_counter(context)
    with counter.flushing:
        return _write_counts(context, counter)


def _write_counts(context: ServerContext, counter: BandwidthCounter) -> int:
    counts = counter.drain()
    if not counts:
        return 0
    try:
        with write_transaction(context.engine) as conn:
            known = _existing_accounts(conn, {account_id for account_id, _ in counts})
            rows = [
                {"account_id": account_id, "day": day, "bytes": size}
                for (account_id, day), size in counts.items()
                if account_id in known
            ]
            if rows:
                conn.execute(_add_bytes(conn), rows)
    except Exception:
        counter.restore(counts)
        raise
    return len(rows)


def _existing_accounts(conn: sa.Connection, ids: Iterable[str]) -> set[str]:
    query = sa.select(accounts.c.id).where(accounts.c.id.in_(list(ids)))
    return set(conn.execute(query).scalars())


def _add_bytes(conn: sa.Connection) -> Any:
    """INSERT ... ON CONFLICT (account, day) DO UPDATE bytes = bytes + new."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(bandwidth_usage)
    return statement.on_conflict_do_update(
        index_elements=[bandwidth_usage.c.account_id, bandwidth_usage.c.day],
        set_={"bytes": bandwidth_usage.c.bytes + statement.excluded.bytes},
    )


def bandwidth_bytes(context: ServerContext, account_id: str, start: date, end: date) -> int:
    """Bytes delivered on days ``start`` (included) to ``end`` (excluded)."""
    with read_transaction(context.engine) as conn:
        total = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(bandwidth_usage.c.bytes), 0)).where(
                bandwidth_usage.c.account_id == account_id,
                bandwidth_usage.c.day >= start,
                bandwidth_usage.c.day < end,
            )
        ).scalar_one()
    return int(total)


def storage_bytes(context: ServerContext, account_id: str) -> tuple[int, int]:
    """(media library bytes: every stored version, cached origin originals bytes)."""
    with read_transaction(context.engine) as conn:
        library = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(file_versions.c.size), 0)).where(
                file_versions.c.account_id == account_id
            )
        ).scalar_one()
        cached = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(origin_cache_table.c.size), 0)).where(
                origin_cache_table.c.account_id == account_id
            )
        ).scalar_one()
    return int(library), int(cached)
