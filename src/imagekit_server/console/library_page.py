"""One page of a folder for the browser: subfolders, then files by name, keyset-paginated.

``WHERE folder_path = ? AND name > :after ORDER BY name LIMIT n`` walks the
``(account_id, folder_path, name)`` index, so page 1,000 of a 100,000-file folder costs what
page 1 does (an OFFSET would read every skipped row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import files, folders

PAGE_SIZE = 100
MAX_SUBFOLDERS = 1000


@dataclass(frozen=True)
class FileRow:
    id: str
    name: str
    file_path: str
    file_type: str
    format: str
    size: int
    width: int | None
    height: int | None
    is_private: bool
    is_published: bool
    updated_at: Any


@dataclass(frozen=True)
class FolderPage:
    path: str
    subfolders: list[str]  # names, on the first page only
    files: list[FileRow]
    next_after: str | None  # the cursor of the next page, None on the last


def normalise_folder(raw: str | None) -> str:
    segments = [segment for segment in (raw or "/").split("/") if segment not in ("", ".", "..")]
    return "/" + "/".join(segments)


def breadcrumbs(path: str) -> list[tuple[str, str]]:
    """(label, path) from the root down to ``path``."""
    crumbs = [("Home", "/")]
    current = ""
    for segment in [part for part in path.split("/") if part]:
        current += "/" + segment
        crumbs.append((segment, current))
    return crumbs


_FILE_COLUMNS = (
    files.c.id,
    files.c.name,
    files.c.file_path,
    files.c.file_type,
    files.c.format,
    files.c.size,
    files.c.width,
    files.c.height,
    files.c.is_private,
    files.c.is_published,
    files.c.updated_at,
)


def folder_page(
    engine: sa.Engine, account_id: str, path: str, after: str | None, limit: int = PAGE_SIZE
) -> FolderPage:
    with read_transaction(engine) as conn:
        subfolders: list[str] = []
        if after is None:
            subfolders = list(
                conn.execute(
                    sa.select(folders.c.name)
                    .where(folders.c.account_id == account_id, folders.c.parent_path == path)
                    .order_by(folders.c.name)
                    .limit(MAX_SUBFOLDERS)
                ).scalars()
            )
        query = (
            sa.select(*_FILE_COLUMNS)
            .where(files.c.account_id == account_id, files.c.folder_path == path)
            .order_by(files.c.name)
            .limit(limit + 1)
        )
        if after is not None:
            query = query.where(files.c.name > after)
        rows = [FileRow(*row) for row in conn.execute(query).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    return FolderPage(path, subfolders, rows, rows[-1].name if more and rows else None)


def folder_exists(engine: sa.Engine, account_id: str, path: str) -> bool:
    if path == "/":
        return True
    with read_transaction(engine) as conn:
        found = conn.execute(
            sa.select(folders.c.id).where(
                folders.c.account_id == account_id, folders.c.path == path
            )
        ).first()
    return found is not None
