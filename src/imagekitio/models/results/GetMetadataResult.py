from __future__ import annotations

from typing import Any

from ...result_base import OpenResult, nested_result
from .MetadataExif import MetadataExif
from .ResponseMetadata import ResponseMetadata


class GetMetadataResult(OpenResult):
    def __init__(
        self,
        height: Any = None,
        width: Any = None,
        size: Any = None,
        format: Any = None,
        has_color_profile: Any = None,
        quality: Any = None,
        density: Any = None,
        has_transparency: Any = None,
        p_hash: Any = None,
        exif: Any = None,
        **kwargs: Any,
    ) -> None:
        self.height = height
        self.width = width
        self.size = size
        self.format = format
        self.has_color_profile = has_color_profile
        self.quality = quality
        self.density = density
        self.has_transparency = has_transparency
        self.p_hash = p_hash
        self.exif = nested_result(MetadataExif, exif)
        self.response_metadata = ResponseMetadata("", "", "")
        self._keep_extras(kwargs)
