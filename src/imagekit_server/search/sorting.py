"""The ``sort`` parameter of list and search: ``ASC_`` or ``DESC_`` and a sort key."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from imagekit_server.db.tables import file_search_values, files
from imagekit_server.search.errors import SearchQueryError

# Sort key -> column name. Keys the table lacks (a folder has no size) fall back to creation
# time. RELEVANCE has no score here: matches are ranked by recency (newest first for DESC);
# DURATION sorts videos by their probed duration (other files have none).
SORT_KEYS = {
    "NAME": "name",
    "CREATED": "created_at",
    "UPDATED": "updated_at",
    "HEIGHT": "height",
    "WIDTH": "width",
    "SIZE": "size",
    "RELEVANCE": "created_at",
    "DURATION": "duration",
    "ORIGINAL_CREATION_DATE": "created_at",
}
DEFAULT_SORT = "ASC_CREATED"


def sort_columns(sort: str | None, table: sa.Table = files) -> list[UnaryExpression[Any]]:
    """ORDER BY terms for ``sort`` over ``table`` (files by default), ending with the id so
    that skip/limit pages are stable. Missing values (a PDF's width) sort last either way."""
    text = (sort or DEFAULT_SORT).strip().upper()
    direction, _, key = text.partition("_")
    if direction not in ("ASC", "DESC") or key not in SORT_KEYS:
        raise SearchQueryError(
            f'Invalid sort "{sort}": expected ASC_ or DESC_ followed by one of '
            + ", ".join(SORT_KEYS),
            0,
        )
    order = sa.asc if direction == "ASC" else sa.desc
    if key == "ORIGINAL_CREATION_DATE" and table is files:
        return [order(_original_creation_date()), order(files.c.id)]
    column = table.c[SORT_KEYS[key] if SORT_KEYS[key] in table.c else "created_at"]
    term = order(column)
    # NULLS LAST only where NULLs exist: on a NOT NULL column it would stop both databases
    # from reading the rows in index order.
    return [term.nulls_last() if column.nullable else term, order(table.c.id)]


def _original_creation_date() -> ColumnElement[Any]:
    """When the picture was taken (embedded DateTimeOriginal), else when it was uploaded."""
    values = file_search_values.c
    taken = (
        sa.select(sa.func.min(values.time_value))
        .where(
            values.file_id == files.c.id,
            values.namespace == "embedded",
            values.key == "DateTimeOriginal",
        )
        .scalar_subquery()
    )
    return sa.func.coalesce(taken, files.c.created_at)
