from __future__ import annotations

from typing import Any

from ...result_base import OpenResult, nested_result
from .AITags import AITags
from .VersionInfo import VersionInfo


class FileResult(OpenResult):
    """A file, file version or folder object (list items, details, update, restore).

    ``embedded_metadata``, ``custom_metadata`` and ``extension_status`` stay raw dicts with
    the API's original keys.
    """

    def __init__(
        self,
        type: Any = None,
        name: Any = None,
        created_at: Any = None,
        updated_at: Any = None,
        file_id: Any = None,
        tags: Any = None,
        ai_tags: Any = None,
        version_info: Any = None,
        embedded_metadata: Any = None,
        custom_coordinates: Any = "",
        custom_metadata: Any = None,
        is_private_file: Any = False,
        url: Any = "",
        thumbnail: Any = "",
        file_type: Any = "",
        file_path: Any = "",
        height: Any = None,
        width: Any = None,
        size: Any = None,
        has_alpha: Any = False,
        mime: Any = None,
        extension_status: Any = None,
        **kwargs: Any,
    ) -> None:
        self.type = type
        self.name = name
        self.created_at = created_at
        self.updated_at = updated_at
        self.file_id = file_id
        self.tags = tags
        self.ai_tags = [nested_result(AITags, item) for item in ai_tags or []]
        self.version_info = nested_result(VersionInfo, version_info)
        self.embedded_metadata = {} if embedded_metadata is None else embedded_metadata
        self.custom_coordinates = custom_coordinates
        self.custom_metadata = {} if custom_metadata is None else custom_metadata
        self.is_private_file = is_private_file
        self.url = url
        self.thumbnail = thumbnail
        self.file_type = file_type
        self.file_path = file_path
        self.height = height
        self.width = width
        self.size = size
        self.has_alpha = has_alpha
        self.mime = mime
        self.extension_status = {} if extension_status is None else extension_status
        self._keep_extras(kwargs)
