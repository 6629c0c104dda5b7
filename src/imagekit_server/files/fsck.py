"""Consistency between the database and the blob store.

Finds blobs under ``originals/`` that no version row references (orphans), intents left by
dead processes or older than ``STALE_INTENT_SECONDS`` (unfinished writes or deletions:
runtime/blob_intents.py), and version rows whose blob is missing. ``repair`` deletes orphans and
resolves stale intents; a missing blob cannot be repaired and is only reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import file_versions
from imagekit_server.runtime.blob_intents import intent_is_stale, read_intents, resolve_intent
from imagekit_server.runtime.blobs import ORIGINALS_PREFIX

if TYPE_CHECKING:
    from imagekit_server.context import ServerContext


@dataclass
class FsckReport:
    orphan_blobs: list[str] = field(default_factory=list)
    stale_intents: list[str] = field(default_factory=list)
    missing_blobs: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.orphan_blobs or self.stale_intents or self.missing_blobs)

    def lines(self) -> list[str]:
        return (
            [f"orphan blob: {key}" for key in self.orphan_blobs]
            + [f"stale intent: {key}" for key in self.stale_intents]
            + [f"missing blob: {key}" for key in self.missing_blobs]
        )


def _referenced_keys(conn: sa.Connection) -> set[str]:
    return {row.blob_key for row in conn.execute(sa.select(file_versions.c.blob_key))}


def check(context: ServerContext) -> FsckReport:
    report = FsckReport()
    with read_transaction(context.engine) as conn:
        referenced = _referenced_keys(conn)
        intents = read_intents(conn)
    for key, created_at in sorted(intents.items()):
        if key in referenced or intent_is_stale(context.lease, key, created_at):
            report.stale_intents.append(key)
    candidates = [
        key
        for key in context.store.list_keys(ORIGINALS_PREFIX)
        if key not in referenced and key not in intents
    ]
    # Uploads that started after the first snapshot: look again before calling them orphans.
    with read_transaction(context.engine) as conn:
        referenced = _referenced_keys(conn)
        intents = read_intents(conn)
    report.orphan_blobs = [key for key in candidates if key not in referenced | intents.keys()]
    report.missing_blobs = sorted(key for key in referenced if not context.store.exists(key))
    return report


def repair(context: ServerContext, report: FsckReport) -> None:
    for key in report.orphan_blobs:
        context.store.delete(key)
    for key in report.stale_intents:
        resolve_intent(context.engine, context.store, key)
