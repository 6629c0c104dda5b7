from __future__ import annotations

from typing import Any

from ...result_base import OpenResult, nested_result
from .AITags import AITags
from .EmbeddedMetadata import EmbeddedMetadata
from .ResponseMetadata import ResponseMetadata
from .VersionInfo import VersionInfo


class _Absent:
    """Default of ``ai_tags``: tells a missing key apart from an explicit JSON null."""

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()


class UploadFileResult(OpenResult):
    """Result of ``upload_file``; note ``thumbnail_url`` (file objects say ``thumbnail``)."""

    def __init__(
        self,
        file_id: Any = None,
        name: Any = None,
        url: Any = None,
        thumbnail_url: Any = None,
        height: Any = None,
        width: Any = None,
        size: Any = None,
        file_path: Any = None,
        tags: Any = None,
        ai_tags: Any = _ABSENT,
        version_info: Any = None,
        is_private_file: Any = False,
        custom_coordinates: Any = None,
        custom_metadata: Any = None,
        embedded_metadata: Any = None,
        extension_status: Any = None,
        file_type: Any = None,
        orientation: Any = None,
        **kwargs: Any,
    ) -> None:
        self.file_id = file_id
        self.name = name
        self.url = url
        self.thumbnail_url = thumbnail_url
        self.height = height
        self.width = width
        self.size = size
        self.file_path = file_path
        self.tags = tags
        self.ai_tags = _upload_ai_tags(ai_tags)
        self.version_info = nested_result(VersionInfo, version_info)
        self.is_private_file = is_private_file
        self.custom_coordinates = custom_coordinates
        self.custom_metadata = custom_metadata
        self.embedded_metadata = nested_result(EmbeddedMetadata, embedded_metadata)
        self.extension_status = extension_status
        self.file_type = file_type
        self.orientation = orientation
        self.response_metadata = ResponseMetadata("", "", "")
        self._keep_extras(kwargs)


def _upload_ai_tags(value: Any) -> list[AITags]:
    # 4.x turns an explicit JSON null into one empty AITags item; an absent key used to crash.
    if value is _ABSENT:
        return []
    if value is None:
        return [AITags(None, None, None)]
    return [nested_result(AITags, item) for item in value]
