"""The names and signatures other packages call stay put."""

from __future__ import annotations

import dataclasses
import inspect

import imagekit_server.inspection as inspection


def test_all_is_sorted_and_complete() -> None:
    assert inspection.__all__ == sorted(inspection.__all__)
    assert set(inspection.__all__) == {
        "InspectionError",
        "Probe",
        "phash",
        "phash_distance",
        "probe_file",
        "read_embedded_metadata",
        "read_metadata",
    }


def test_signatures() -> None:
    assert str(inspect.signature(inspection.probe_file)) == (
        "(path: 'Path', file_name: 'str', *, max_pixels: 'int', allow_svg: 'bool' = True)"
        " -> 'Probe'"
    )
    assert list(inspect.signature(inspection.read_metadata).parameters) == [
        "path",
        "max_pixels",
    ]
    assert list(inspect.signature(inspection.read_embedded_metadata).parameters) == ["path"]
    assert list(inspect.signature(inspection.phash).parameters) == ["path", "max_pixels"]
    assert list(inspect.signature(inspection.phash_distance).parameters) == ["a", "b"]


def test_probe_is_a_frozen_dataclass_with_the_agreed_fields() -> None:
    fields = [field.name for field in dataclasses.fields(inspection.Probe)]
    assert fields == [
        "file_type",
        "format",
        "mime",
        "width",
        "height",
        "has_alpha",
        "orientation",
        "pages",
    ]
    assert inspection.Probe.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_inspection_error_carries_a_message() -> None:
    error = inspection.InspectionError("The png file is corrupt.")
    assert error.message == "The png file is corrupt."
    assert str(error) == "The png file is corrupt."
