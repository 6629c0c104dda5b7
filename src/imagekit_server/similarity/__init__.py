"""Near-duplicate images from the pHash every image already has (docs/console.md,
"Near-duplicates"): a banded index (index.py) and the queries on it (queries.py)."""

from __future__ import annotations

from imagekit_server.similarity.bands import MAX_DISTANCE, hamming
from imagekit_server.similarity.index import refresh_index
from imagekit_server.similarity.queries import (
    DuplicateGroup,
    Match,
    duplicate_groups,
    similar_files,
)

__all__ = [
    "MAX_DISTANCE",
    "DuplicateGroup",
    "Match",
    "duplicate_groups",
    "hamming",
    "refresh_index",
    "similar_files",
]
