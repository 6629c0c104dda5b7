"""The original of a video as a local file for a render process, and its size when the
library has not probed it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from imagekit_server.context import ServerContext
from imagekit_server.imaging.errors import invalid, processing_failed
from imagekit_server.renditions.file_lookup import FileRow
from imagekit_server.storage import BlobNotFound
from imagekit_server.video.probe import VideoRefused, probe_video


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


def probed_size(context: ServerContext, row: FileRow) -> tuple[int, int]:
    """The upright size of a video the library holds no probe of (an origin's copy), by
    probing it as an upload is (raises ``TransformationError``)."""
    with tempfile.TemporaryDirectory(prefix="ik-probe-") as scratch:
        try:
            source = source_path(context, row, Path(scratch))
            facts = probe_video(source, row.name, context.settings)
        except BlobNotFound:
            raise processing_failed("the video's bytes are missing") from None
        except VideoRefused as refused:
            raise invalid(f"the video cannot be read: {refused}") from None
    if facts is None:
        raise invalid("the file holds no video stream")
    return facts.width, facts.height
