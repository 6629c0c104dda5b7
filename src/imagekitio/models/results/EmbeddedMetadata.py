from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class EmbeddedMetadata(OpenResult):
    """Embedded (EXIF/IPTC/XMP) metadata with snake_case keys (``DPI`` -> ``dpi``)."""

    def __init__(
        self,
        x_resolution: Any = None,
        y_resolution: Any = None,
        date_created: Any = None,
        date_time_created: Any = None,
        **kwargs: Any,
    ) -> None:
        self.x_resolution = x_resolution
        self.y_resolution = y_resolution
        self.date_created = date_created
        self.date_time_created = date_time_created
        self._keep_extras(kwargs)
