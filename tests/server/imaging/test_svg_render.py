"""SVG sources in the renderer: checked as XML, rendered in a child killed at the deadline."""

from __future__ import annotations

import time

import pytest

from imagekit_server.imaging import (
    Limits,
    Rendered,
    TransformationError,
    parse_transformation,
    render,
)
from tests.server.media import LAUGHS, nested_uses, pixel

SVG_ON = Limits(allow_svg=True, max_processing_seconds=10)
SIZELESS = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="30" height="20" fill="red"/></svg>'
)


def _render(source: bytes, text: str, limits: Limits = SVG_ON) -> Rendered:
    return render(source, parse_transformation(text), accept=None, limits=limits)


def test_orig_true_never_renders_an_svg() -> None:
    sizeless_bomb = LAUGHS.replace(b' width="1000" height="1000"', b"", 1)
    started = time.monotonic()
    for source in (LAUGHS, sizeless_bomb):
        rendered = _render(source, "orig-true", Limits())
        assert rendered.content_type == "image/svg+xml"
    assert time.monotonic() - started < 1


def test_an_svg_without_a_size_is_sized_by_rendering_it() -> None:
    rendered = _render(SIZELESS, "f-png")
    assert rendered.format == "png"
    assert pixel(rendered.data, 5, 5)[:3] == [255, 0, 0]


def test_a_use_bomb_is_refused_before_rendering() -> None:
    started = time.monotonic()
    with pytest.raises(TransformationError) as refused:
        _render(LAUGHS, "w-10,f-png")
    assert refused.value.code == "ELIMIT" and "20000 elements" in refused.value.message
    assert time.monotonic() - started < 1


def test_a_slow_svg_is_killed_at_the_deadline() -> None:
    slow = nested_uses(4, 10, 3000)  # 4,688 elements: allowed, seconds to draw at full size
    started = time.monotonic()
    with pytest.raises(TransformationError) as refused:
        _render(slow, "f-png", Limits(allow_svg=True, max_processing_seconds=1))
    assert refused.value.code == "ELIMIT" and "SVG took longer" in refused.value.message
    assert time.monotonic() - started < 3
