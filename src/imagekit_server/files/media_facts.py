"""What the server reads from a file's bytes: type and geometry (``inspection.probe_file``),
embedded metadata and the docs/reference/api.md §2.4 metadata object."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from imagekit_server.errors import BadRequest
from imagekit_server.files.media_record import MediaFacts
from imagekit_server.inspection import InspectionError, probe_file
from imagekit_server.settings import Settings


def read_media_facts(
    path: Path, file_name: str, *, max_pixels: int, video: Settings | None = None
) -> MediaFacts:
    """Raises 400 for corrupt images and images over the pixel limit; with ``video`` settings,
    also for refused videos (``imagekit_server.video.probe``)."""
    try:
        probe = probe_file(path, file_name, max_pixels=max_pixels)
    except InspectionError as exc:
        raise BadRequest(str(exc)) from exc
    size = path.stat().st_size
    if video is not None and probe.file_type == "non-image":
        # Imported here: PyAV loads only in processes that probe a video.
        from imagekit_server.video.facts import video_media_facts

        found = video_media_facts(path, file_name, size, video)
        if found is not None:
            return found
    embedded, metadata = _metadata(path, probe.file_type)
    if metadata is None and probe.file_type == "image":
        metadata = {
            "height": probe.height,
            "width": probe.width,
            "size": size,
            "format": probe.format,
            "hasTransparency": probe.has_alpha,
        }
    return MediaFacts(
        file_type=probe.file_type,
        format=probe.format,
        mime=probe.mime,
        size=size,
        width=probe.width,
        height=probe.height,
        has_alpha=probe.has_alpha,
        orientation=probe.orientation,
        embedded_metadata=embedded,
        metadata=metadata,
    )


def _metadata(path: Path, file_type: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if file_type != "image":
        return None, None
    try:
        from imagekit_server import inspection

        read_embedded = getattr(inspection, "read_embedded_metadata", None)
        read_metadata = getattr(inspection, "read_metadata", None)
        embedded = read_embedded(path) if read_embedded else None
        metadata = read_metadata(path) if read_metadata else None
    except InspectionError:
        return None, None
    return embedded, metadata
