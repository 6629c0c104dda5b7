"""The original of a video as a local file for a render process."""

from __future__ import annotations

from pathlib import Path

from imagekit_server.context import ServerContext
from imagekit_server.renditions.file_lookup import FileRow


def source_path(context: ServerContext, row: FileRow, scratch: Path) -> Path:
    """The blob itself on local disk, else a download into ``scratch`` (raises
    ``BlobNotFound``)."""
    local = context.store.local_path(row.blob_key)
    if local is not None:
        return local
    path = scratch / "source"
    with path.open("wb") as handle:
        for chunk in context.store.iter_range(row.blob_key):
            handle.write(chunk)
    return path
