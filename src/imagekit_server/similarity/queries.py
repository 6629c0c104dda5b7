"""Similar files of one file, and groups of near-duplicates in a folder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from imagekit_server.db.engine import read_transaction
from imagekit_server.db.tables import files, phash_bands
from imagekit_server.similarity.bands import band_radius, bands_of, hamming, neighbours

MAX_GROUP_FILES = 20_000  # files of a folder a duplicates report considers


@dataclass(frozen=True)
class Match:
    file_id: str
    distance: int


@dataclass(frozen=True)
class DuplicateGroup:
    file_ids: list[str]  # sorted by file path
    max_distance: int  # the largest distance between a member and the group's first


def file_phash(conn: sa.Connection, account_id: str, file_id: str) -> str | None:
    return conn.execute(
        sa.select(phash_bands.c.phash).where(
            phash_bands.c.account_id == account_id,
            phash_bands.c.file_id == file_id,
            phash_bands.c.band == 0,
        )
    ).scalar()


def similar_files(
    engine: sa.Engine, account_id: str, file_id: str, max_distance: int, limit: int = 100
) -> list[Match] | None:
    """Files within ``max_distance`` of the file's pHash, nearest first (None: the file has no
    pHash indexed, i.e. it is not an image or does not exist)."""
    radius = band_radius(max_distance)
    with read_transaction(engine) as conn:
        phash = file_phash(conn, account_id, file_id)
        if phash is None:
            return None
        target = int(phash, 16)
        conditions = [
            sa.and_(phash_bands.c.band == band, phash_bands.c.value.in_(neighbours(value, radius)))
            for band, value in enumerate(bands_of(target))
        ]
        rows = conn.execute(
            sa.select(phash_bands.c.file_id, phash_bands.c.phash)
            .where(phash_bands.c.account_id == account_id, sa.or_(*conditions))
            .distinct()
        ).all()
    matches = [
        Match(row.file_id, distance)
        for row in rows
        if row.file_id != file_id
        and (distance := hamming(target, int(row.phash, 16))) <= max_distance
    ]
    matches.sort(key=lambda match: (match.distance, match.file_id))
    return matches[:limit]


def duplicate_groups(
    engine: sa.Engine, account_id: str, folder: str, max_distance: int, *, recursive: bool = True
) -> list[DuplicateGroup]:
    """Groups of images in ``folder`` whose pHashes lie within ``max_distance`` of each other
    (joined transitively), largest groups first."""
    with read_transaction(engine) as conn:
        where = [phash_bands.c.account_id == account_id, phash_bands.c.band == 0]
        if folder != "/" or not recursive:
            in_folder = files.c.folder_path == folder
            if recursive:
                prefix = folder.rstrip("/") + "/"
                in_folder = sa.or_(
                    in_folder, files.c.folder_path.startswith(prefix, autoescape=True)
                )
            where.append(in_folder)
        rows = conn.execute(
            sa.select(files.c.id, files.c.file_path, phash_bands.c.phash)
            .join(files, files.c.id == phash_bands.c.file_id)
            .where(*where)
            .order_by(files.c.file_path)
            .limit(MAX_GROUP_FILES)
        ).all()
    return _group(rows, max_distance)


def _group(rows: Sequence[Any], max_distance: int) -> list[DuplicateGroup]:
    by_hash: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        by_hash[int(row.phash, 16)].append(row.id)  # rows come in path order
    hashes = list(by_hash)
    parent = {value: value for value in hashes}

    def root(value: int) -> int:
        while parent[value] != value:
            parent[value] = parent[parent[value]]
            value = parent[value]
        return value

    radius = band_radius(max_distance)
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for value in hashes:
        for band, band_value in enumerate(bands_of(value)):
            buckets[(band, band_value)].append(value)
    for value in hashes:
        for band, band_value in enumerate(bands_of(value)):
            for near in neighbours(band_value, radius):
                for other in buckets.get((band, near), ()):
                    if other > value and hamming(value, other) <= max_distance:
                        parent[root(other)] = root(value)
    groups: dict[int, list[int]] = defaultdict(list)
    for value in hashes:
        groups[root(value)].append(value)
    order = {file_id: index for index, file_id in enumerate(row.id for row in rows)}
    result = []
    for members in groups.values():
        file_ids = sorted(
            (fid for value in members for fid in by_hash[value]), key=order.__getitem__
        )
        if len(file_ids) > 1:
            first = members[0]
            spread = max(hamming(first, value) for value in members)
            result.append(DuplicateGroup(file_ids, spread))
    result.sort(key=lambda group: (-len(group.file_ids), order[group.file_ids[0]]))
    return result
