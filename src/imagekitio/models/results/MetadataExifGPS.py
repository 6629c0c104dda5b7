from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class MetadataExifGPS(OpenResult):
    def __init__(self, gps_version_id: Any = None, **kwargs: Any) -> None:
        self.gps_version_id: list[Any] = list(gps_version_id or [])
        self._keep_extras(kwargs)
