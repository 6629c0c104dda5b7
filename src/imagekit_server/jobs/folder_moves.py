"""Move one batch of a folder's files to their new folder, set-based.

The common case (nothing at the target path) is two UPDATEs for the whole batch, rewriting
the path prefix in SQL; only files that meet a same-name file at the destination are handled
one by one (their versions are appended to that file, see ``library.file_copies``). A plain
move changes no tags or metadata, so the search index needs no update.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import file_versions, files
from imagekit_server.files import records
from imagekit_server.files.naming import join_path
from imagekit_server.library import file_copies
from imagekit_server.library.subtree import files_under


def relocated(path: str, source: str, destination: str) -> str:
    """``path`` (``source`` or below it) re-rooted at ``destination``."""
    assert is_within(path, source), (path, source)
    return destination + path[len(source) :]


def is_within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it."""
    return path == folder or path.startswith(folder + "/")


def move_batch(
    conn: sa.Connection,
    *,
    account_id: str,
    file_ids: Sequence[str],
    source: str,
    destination: str,
    field_types: Mapping[str, str],
    now: datetime,
) -> int:
    """Move the files (in the caller's write transaction); returns how many had to stay
    (their destination file would exceed the version limit)."""
    rows = conn.execute(
        sa.select(files)
        .where(files.c.account_id == account_id, files.c.id.in_(file_ids), files_under(source))
        .with_for_update()
    ).all()  # not those moved out of the folder since the batch was listed
    targets = {
        row.id: join_path(relocated(row.folder_path, source, destination), row.name) for row in rows
    }
    taken = set(
        conn.execute(
            sa.select(files.c.file_path).where(
                files.c.account_id == account_id, files.c.file_path.in_(list(targets.values()))
            )
        ).scalars()
    )
    plain = [row for row in rows if targets[row.id] not in taken]
    for folder in sorted({relocated(row.folder_path, source, destination) for row in plain}):
        records.ensure_folders(conn, account_id, folder, now)
    if plain:
        _rewrite_prefix(conn, [row.id for row in plain], source, destination, now)
    skipped = 0
    for row in rows:
        if targets[row.id] in taken and not _append_to_existing(
            conn, row, targets[row.id], source, destination, field_types, now
        ):
            skipped += 1
    return skipped


def _rewrite_prefix(
    conn: sa.Connection, file_ids: list[str], source: str, destination: str, now: datetime
) -> None:
    cut = len(source) + 1  # SQL substr is 1-based: keep what follows the source prefix

    def moved(column: Any) -> Any:
        return sa.literal(destination, sa.String) + sa.func.substr(column, cut)

    conn.execute(
        files.update()
        .where(files.c.id.in_(file_ids))
        .values(
            folder_path=moved(files.c.folder_path),
            file_path=moved(files.c.file_path),
            updated_at=now,
        )
    )
    conn.execute(
        file_versions.update()
        .where(file_versions.c.file_id.in_(file_ids))
        .values(file_path=moved(file_versions.c.file_path))
    )


def _append_to_existing(
    conn: sa.Connection,
    row: Any,
    target: str,
    source: str,
    destination: str,
    field_types: Mapping[str, str],
    now: datetime,
) -> bool:
    incoming = file_copies.version_count(conn, row.id)
    if not file_copies.fits_at(conn, row.account_id, target, incoming):
        return False
    folder = relocated(row.folder_path, source, destination)
    file_copies.move_file_row(conn, row, folder=folder, field_types=field_types, now=now)
    return True
