"""``GET /v1/files`` without ``searchQuery``: the plain list filters (docs/reference/api.md
§4.2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from imagekit_server.bounded_json import INT64_MAX, INT64_MIN
from imagekit_server.db.tables import file_tags, file_versions, files, folders
from imagekit_server.errors import BadRequest

LIST_TYPES = frozenset({"file", "file-version", "folder", "all"})
FILE_TYPES = frozenset({"all", "image", "non-image"})
SORT_COLUMNS = {
    "NAME": "name",
    "CREATED": "created_at",
    "UPDATED": "updated_at",
    "HEIGHT": "height",
    "WIDTH": "width",
    "SIZE": "size",
}
MAX_LIMIT = 1000


@dataclass(frozen=True)
class ListQuery:
    type: str = "file"
    sort: str = "ASC_CREATED"
    path: str | None = None
    file_type: str = "all"
    tags: tuple[str, ...] = ()
    name: str | None = None
    include_folder: bool = False
    limit: int = MAX_LIMIT
    skip: int = 0


def list_path(raw: str) -> str:
    """A folder path as given in the query (``/a b/``) in stored form (``/a b``)."""
    segments = [segment for segment in raw.split("/") if segment]
    return "/" + "/".join(segments)


def parse_list_query(params: dict[str, str]) -> ListQuery:
    kind = params.get("type") or "file"
    if kind not in LIST_TYPES:
        raise BadRequest(f"Invalid type parameter: {kind!r}.")
    sort = (params.get("sort") or "ASC_CREATED").upper()
    direction, _, column = sort.partition("_")
    if direction not in ("ASC", "DESC") or column not in SORT_COLUMNS:
        raise BadRequest(f"Invalid sort parameter: {params.get('sort')!r}.")
    file_type = params.get("fileType") or "all"
    if file_type not in FILE_TYPES:
        raise BadRequest(f"Invalid fileType parameter: {file_type!r}.")
    limit = _int_param(params, "limit", MAX_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"Invalid limit parameter: {limit}; expected 1 to {MAX_LIMIT}.")
    skip = _int_param(params, "skip", 0)
    if skip < 0:
        raise BadRequest(f"Invalid skip parameter: {skip}; expected 0 or more.")
    include_folder = (params.get("includeFolder") or "false").lower()
    if include_folder not in ("true", "false"):
        raise BadRequest("Invalid includeFolder parameter: expected true or false.")
    raw_path = params.get("path")
    tags = tuple(tag.strip() for tag in (params.get("tags") or "").split(",") if tag.strip())
    return ListQuery(
        type=kind,
        sort=sort,
        path=list_path(raw_path) if raw_path else None,
        file_type=file_type,
        tags=tags,
        name=params.get("name") or None,
        include_folder=include_folder == "true",
        limit=limit,
        skip=skip,
    )


def _int_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"Invalid {name} parameter: {raw[:30]!r} is not an integer.") from exc
    if not INT64_MIN <= value <= INT64_MAX:  # the database's integers are 64 bits
        raise BadRequest(f"Invalid {name} parameter: {raw[:30]} is out of range.")
    return value


def _order(table: sa.Table, sort: str) -> list[Any]:
    direction, _, column = sort.partition("_")
    target = table.c.get(SORT_COLUMNS[column], table.c.name)
    ordered = target.desc() if direction == "DESC" else target.asc()
    tie = table.c.id.desc() if direction == "DESC" else table.c.id.asc()
    return [ordered, tie]


def _file_filters(table: sa.Table, account_id: str, query: ListQuery) -> list[Any]:
    conditions: list[Any] = [table.c.account_id == account_id]
    folder_column = table.c.folder_path if "folder_path" in table.c else None
    if query.path is not None:
        if folder_column is not None:
            conditions.append(folder_column == query.path)
        else:
            prefix = "/" if query.path == "/" else query.path + "/"
            conditions.append(table.c.file_path.startswith(prefix, autoescape=True))
            remainder = sa.func.substr(table.c.file_path, len(prefix) + 1)
            conditions.append(~remainder.contains("/", autoescape=True))
    if query.file_type != "all":
        conditions.append(table.c.file_type == query.file_type)
    if query.name is not None:
        conditions.append(table.c.name == query.name)
    return conditions


def select_files(account_id: str, query: ListQuery, *, offset: int, limit: int) -> sa.Select[Any]:
    conditions = _file_filters(files, account_id, query)
    if query.tags:
        tagged = sa.select(file_tags.c.file_id).where(
            file_tags.c.account_id == account_id,
            file_tags.c.source == "user",
            file_tags.c.tag.in_(query.tags),
        )
        conditions.append(files.c.id.in_(tagged))
    return (
        sa.select(files)
        .where(*conditions)
        .order_by(*_order(files, query.sort))
        .offset(offset)
        .limit(limit)
    )


def select_old_versions(
    account_id: str, query: ListQuery, *, offset: int, limit: int
) -> sa.Select[Any]:
    """Versions that are not current, with their file's row columns needed for objects."""
    conditions = _file_filters(file_versions, account_id, query)
    conditions.append(file_versions.c.id != files.c.current_version_id)
    return (
        sa.select(file_versions)
        .join(files, files.c.id == file_versions.c.file_id)
        .where(*conditions)
        .order_by(*_order(file_versions, query.sort))
        .offset(offset)
        .limit(limit)
    )


def select_folders(account_id: str, query: ListQuery) -> sa.Select[Any]:
    conditions: list[Any] = [folders.c.account_id == account_id]
    if query.path is not None:
        conditions.append(folders.c.parent_path == query.path)
    if query.name is not None:
        conditions.append(folders.c.name == query.name)
    return sa.select(folders).where(*conditions).order_by(*_order(folders, query.sort))
