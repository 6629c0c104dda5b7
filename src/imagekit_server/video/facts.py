"""A probed video as the library records and reports it (docs/reference/api.md §2.1, §2.3, §2.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from imagekit_server.errors import BadRequest
from imagekit_server.files.media_record import MediaFacts
from imagekit_server.settings import Settings
from imagekit_server.video.probe import VideoRefused, probe_video

# The keys ImageKit adds to file objects and upload responses of videos.
VIDEO_KEYS = ("bitRate", "duration", "audioCodec", "videoCodec")


def video_media_facts(
    path: Path, file_name: str, size: int, settings: Settings
) -> MediaFacts | None:
    """None when the file is no video; raises 400 for a refused one."""
    try:
        facts = probe_video(path, file_name, settings)
    except VideoRefused as refused:
        raise BadRequest(str(refused)) from refused
    if facts is None:
        return None
    metadata = facts.metadata(size)
    metadata["rotation"] = facts.rotation  # kept for renders; not reported (see video_fields)
    return MediaFacts(
        # ImageKit reports videos as "non-image" (its upload example for test-video.mp4).
        file_type="non-image",
        format=facts.format,
        mime=facts.mime,
        size=size,
        width=facts.width,
        height=facts.height,
        has_alpha=False,
        orientation=None,
        embedded_metadata=None,
        metadata=metadata,
        duration=facts.duration,
    )


def video_fields(metadata: Any) -> dict[str, Any]:
    """``bitRate``, ``duration``, ``audioCodec``, ``videoCodec`` of a video's stored metadata
    ({} for other files)."""
    if not isinstance(metadata, dict) or "videoCodec" not in metadata:
        return {}
    return {key: metadata.get(key) for key in VIDEO_KEYS}


def public_metadata(metadata: Any) -> Any:
    """The metadata object as the API shows it (internal keys dropped)."""
    if isinstance(metadata, dict) and "videoCodec" in metadata:
        return {key: value for key, value in metadata.items() if key != "rotation"}
    return metadata
