"""Whether a folder's subtree still fits the path limits once copied, moved or renamed to its
destination (docs/security-limits.md): no path longer than ``MAX_PATH_LENGTH`` characters and no
folder deeper than ``MAX_FOLDER_DEPTH`` levels. Checked when the job is submitted, so a job
never fails half-way on a path the database cannot hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import files, folders
from imagekit_server.errors import BadRequest
from imagekit_server.files.naming import MAX_FOLDER_DEPTH, MAX_PATH_LENGTH
from imagekit_server.library.subtree import files_under, folders_under


def check_destination_fits(
    conn: sa.Connection, account_id: str, source: str, destination: str
) -> None:
    lengths = [len(source), *_maxima(conn, account_id, source, _length, with_file_paths=True)]
    if max(lengths) + len(destination) - len(source) > MAX_PATH_LENGTH:
        raise BadRequest(
            f"At the destination, a path would exceed {MAX_PATH_LENGTH} characters.",
            reason="INVALID_DESTINATION_PATH",
        )
    depths = [_levels_of(source), *_maxima(conn, account_id, source, _levels)]
    if max(depths) + _levels_of(destination) - _levels_of(source) > MAX_FOLDER_DEPTH:
        raise BadRequest(
            f"At the destination, folders would be nested deeper than {MAX_FOLDER_DEPTH} levels.",
            reason="INVALID_DESTINATION_PATH",
        )


def _length(path: Any) -> Any:
    return sa.func.length(path)


def _levels(path: Any) -> Any:
    """Folder levels of a path column in SQL: its number of ``/``."""
    return sa.func.length(path) - sa.func.length(sa.func.replace(path, "/", ""))


def _levels_of(folder: str) -> int:
    return 0 if folder == "/" else folder.count("/")


def _maxima(
    conn: sa.Connection,
    account_id: str,
    folder: str,
    measure: Callable[[Any], Any],
    *,
    with_file_paths: bool = False,
) -> list[int]:
    """The largest ``measure`` of the folder paths in ``folder``'s subtree (the files' folders
    and the folder rows), and of the files' own paths when asked."""
    columns = [files.c.folder_path, folders.c.path]
    if with_file_paths:
        columns.append(files.c.file_path)
    found = []
    for column in columns:
        under = files_under(folder) if column.table is files else folders_under(folder)
        query = sa.select(sa.func.max(measure(column))).where(
            column.table.c.account_id == account_id, under
        )
        found.append(int(conn.execute(query).scalar_one() or 0))
    return found
