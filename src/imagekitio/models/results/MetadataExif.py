from __future__ import annotations

from typing import Any

from ...result_base import OpenResult, nested_result
from .MetadataExifExif import MetadataExifExif
from .MetadataExifGPS import MetadataExifGPS
from .MetadataExifImage import MetadataExifImage
from .MetadataExifInteroperability import MetadataExifInteroperability
from .MetadataExifThumbnail import MetadataExifThumbnail


class MetadataExif(OpenResult):
    """EXIF groups as objects (missing groups are empty objects); ``makernote`` stays a dict."""

    def __init__(
        self,
        image: Any = None,
        thumbnail: Any = None,
        exif: Any = None,
        gps: Any = None,
        interoperability: Any = None,
        makernote: Any = None,
        **kwargs: Any,
    ) -> None:
        self.image = nested_result(MetadataExifImage, image)
        self.thumbnail = nested_result(MetadataExifThumbnail, thumbnail)
        self.exif = nested_result(MetadataExifExif, exif)
        self.gps = nested_result(MetadataExifGPS, gps)
        self.interoperability = nested_result(MetadataExifInteroperability, interoperability)
        self.makernote = {} if makernote is None else makernote
        self._keep_extras(kwargs)
