"""The queries that select a folder's subtree (its files, its folders)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from imagekit_server.db.tables import files, folders


def files_under(folder: str) -> Any:
    """A condition selecting the files in ``folder`` or any folder below it."""
    if folder == "/":
        return sa.true()
    return sa.or_(
        files.c.folder_path == folder,
        files.c.folder_path.startswith(folder + "/", autoescape=True),
    )


def folders_under(folder: str, *, including_itself: bool = True) -> Any:
    below = folders.c.path.startswith(folder.rstrip("/") + "/", autoescape=True)
    return sa.or_(folders.c.path == folder, below) if including_itself else below
