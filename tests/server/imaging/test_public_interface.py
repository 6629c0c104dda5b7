"""The names other packages import from ``imagekit_server.imaging`` stay put."""

from __future__ import annotations

import inspect

import imagekit_server.imaging as imaging

REQUIRED = {
    "parse_transformation",
    "Plan",
    "render",
    "Rendered",
    "Limits",
    "TransformationError",
    "negotiate_format",
    "run_in_pool",
}


def test_all_is_sorted_and_importable() -> None:
    assert imaging.__all__ == sorted(imaging.__all__)
    assert set(imaging.__all__) >= REQUIRED
    for name in imaging.__all__:
        assert getattr(imaging, name) is not None


def test_render_signature() -> None:
    parameters = inspect.signature(imaging.render).parameters
    assert list(parameters)[:2] == ["source", "plan"]
    keyword_only = {n for n, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert {"accept", "limits", "resolve_named", "load_image"} <= keyword_only


def test_error_header_format() -> None:
    error = imaging.TransformationError(400, "ELIMIT", "too big")
    assert (error.status, error.code, error.message) == (400, "ELIMIT", "too big")
    assert str(error) == "ELIMIT - too big"


def test_rendered_fields() -> None:
    fields = set(imaging.Rendered.__dataclass_fields__)
    assert fields == {"data", "content_type", "format", "width", "height", "vary_accept"}
