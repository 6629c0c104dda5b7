"""What this process stored, used and purged in the derived cache since the last flush: notes
in memory, so delivery never queries the database for them. ``derived_budget`` writes them
and keeps each account within its budget.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from imagekit_server.context import ServerContext

# (account id, file id, variant name)
VariantRef = tuple[str, str, str]


@dataclass
class LedgerBatch:
    saved: dict[VariantRef, int] = field(default_factory=dict)  # -> size in bytes
    used: set[VariantRef] = field(default_factory=set)
    purged: dict[tuple[str, str], datetime] = field(default_factory=dict)  # -> when


class DerivedLedger:
    """What this process stored, used and purged since the last flush. Thread-safe."""

    def __init__(self) -> None:
        self._batch = LedgerBatch()
        self._lock = threading.Lock()

    def saved(self, account_id: str, file_id: str, name: str, size: int) -> None:
        with self._lock:
            self._batch.saved[(account_id, file_id, name)] = size

    def used(self, account_id: str, file_id: str, name: str) -> None:
        self._batch.used.add((account_id, file_id, name))  # one set add: atomic under the GIL

    def purged(self, account_id: str, file_id: str) -> None:
        with self._lock:
            self._batch.purged[(account_id, file_id)] = datetime.now(timezone.utc)
            # Stored before the purge, so already deleted with it: nothing left to record.
            self._batch.saved = {
                ref: size
                for ref, size in self._batch.saved.items()
                if ref[:2] != (account_id, file_id)
            }

    def drain(self) -> LedgerBatch:
        with self._lock:
            batch, self._batch = self._batch, LedgerBatch()
        return batch

    def restore(self, batch: LedgerBatch) -> None:
        """Put back notes a failed flush could not write."""
        with self._lock:
            for ref, size in batch.saved.items():
                self._batch.saved.setdefault(ref, size)
            self._batch.used |= batch.used
            for key, when in batch.purged.items():
                self._batch.purged.setdefault(key, when)


def derived_ledger(context: ServerContext) -> DerivedLedger:
    found = context.components.get(DerivedLedger)  # every hit of a stored variant
    return found if found is not None else context.component(DerivedLedger, DerivedLedger)
