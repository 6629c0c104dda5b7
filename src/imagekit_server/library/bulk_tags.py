"""Change the tags of many files at once (docs/reference/api.md §4.11, §4.12): all or nothing.

The files are locked in id order (so two bulk requests cannot deadlock on PostgreSQL); when
any id is unknown nothing is changed and the unknown ids are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone

import sqlalchemy as sa

from imagekit_server.custom_metadata.values import field_types, load_schemas
from imagekit_server.files.records import Attributes
from imagekit_server.library.file_state import attributes_of, lock_file, save_attributes

AttributesChange = Callable[[Attributes], Attributes]


def change_files(
    conn: sa.Connection, account_id: str, file_ids: Sequence[str], change: AttributesChange
) -> list[str]:
    """Apply ``change`` to every file; returns the ids that do not exist (then nothing
    changed)."""
    rows = {file_id: lock_file(conn, account_id, file_id) for file_id in sorted(file_ids)}
    missing = [file_id for file_id in file_ids if rows[file_id] is None]
    if missing:
        return missing
    types = field_types(load_schemas(conn, account_id))
    now = datetime.now(timezone.utc)
    for row in rows.values():
        save_attributes(conn, row, change(attributes_of(row)), field_types=types, now=now)
    return []
