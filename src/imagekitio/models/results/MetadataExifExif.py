from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class MetadataExifExif(OpenResult):
    def __init__(
        self,
        exposure_time: Any = None,
        f_number: Any = None,
        exposure_program: Any = None,
        iso: Any = None,
        exif_version: Any = None,
        date_time_original: Any = None,
        create_date: Any = None,
        shutter_speed_value: Any = None,
        aperture_value: Any = None,
        exposure_compensation: Any = None,
        metering_mode: Any = None,
        flash: Any = None,
        focal_length: Any = None,
        sub_sec_time: Any = None,
        sub_sec_time_original: Any = None,
        sub_sec_time_digitized: Any = None,
        flashpix_version: Any = None,
        color_space: Any = None,
        exif_image_width: Any = None,
        exif_image_height: Any = None,
        interop_offset: Any = None,
        focal_plane_x_resolution: Any = None,
        focal_plane_y_resolution: Any = None,
        focal_plane_resolution_unit: Any = None,
        custom_rendered: Any = None,
        exposure_mode: Any = None,
        white_balance: Any = None,
        scene_capture_type: Any = None,
        **kwargs: Any,
    ) -> None:
        self.exposure_time = exposure_time
        self.f_number = f_number
        self.exposure_program = exposure_program
        self.iso = iso
        self.exif_version = exif_version
        self.date_time_original = date_time_original
        self.create_date = create_date
        self.shutter_speed_value = shutter_speed_value
        self.aperture_value = aperture_value
        self.exposure_compensation = exposure_compensation
        self.metering_mode = metering_mode
        self.flash = flash
        self.focal_length = focal_length
        self.sub_sec_time = sub_sec_time
        self.sub_sec_time_original = sub_sec_time_original
        self.sub_sec_time_digitized = sub_sec_time_digitized
        self.flashpix_version = flashpix_version
        self.color_space = color_space
        self.exif_image_width = exif_image_width
        self.exif_image_height = exif_image_height
        self.interop_offset = interop_offset
        self.focal_plane_x_resolution = focal_plane_x_resolution
        self.focal_plane_y_resolution = focal_plane_y_resolution
        self.focal_plane_resolution_unit = focal_plane_resolution_unit
        self.custom_rendered = custom_rendered
        self.exposure_mode = exposure_mode
        self.white_balance = white_balance
        self.scene_capture_type = scene_capture_type
        self._keep_extras(kwargs)
