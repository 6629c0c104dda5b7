from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class MetadataExifThumbnail(OpenResult):
    def __init__(
        self,
        compression: Any = None,
        x_resolution: Any = None,
        y_resolution: Any = None,
        resolution_unit: Any = None,
        thumbnail_offset: Any = None,
        thumbnail_length: Any = None,
        **kwargs: Any,
    ) -> None:
        self.compression = compression
        self.x_resolution = x_resolution
        self.y_resolution = y_resolution
        self.resolution_unit = resolution_unit
        self.thumbnail_offset = thumbnail_offset
        self.thumbnail_length = thumbnail_length
        self._keep_extras(kwargs)
