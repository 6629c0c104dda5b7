from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class MetadataExifImage(OpenResult):
    def __init__(
        self,
        make: Any = None,
        model: Any = None,
        orientation: Any = None,
        x_resolution: Any = None,
        y_resolution: Any = None,
        resolution_unit: Any = None,
        software: Any = None,
        modify_date: Any = None,
        y_cb_cr_positioning: Any = None,
        exif_offset: Any = None,
        gps_info: Any = None,
        **kwargs: Any,
    ) -> None:
        self.make = make
        self.model = model
        self.orientation = orientation
        self.x_resolution = x_resolution
        self.y_resolution = y_resolution
        self.resolution_unit = resolution_unit
        self.software = software
        self.modify_date = modify_date
        self.y_cb_cr_positioning = y_cb_cr_positioning
        self.exif_offset = exif_offset
        self.gps_info = gps_info
        self._keep_extras(kwargs)
