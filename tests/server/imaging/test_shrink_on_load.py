"""JPEG shrink-on-load: decode at the smallest DCT scale that covers the target, then lanczos3.

Checked against libvips' own thumbnail path (which keeps a 2x margin) and a full decode: same
geometry and orientation, colours kept, and pixels close to a full-decode resize.
"""

from __future__ import annotations

import math
from typing import Any

import pyvips
import pytest

from imagekit_server.imaging import Limits, parse_transformation, render
from imagekit_server.imaging.geometry import Resize
from imagekit_server.imaging.loading import draft_shrink, inspect_source, load_resized
from tests.server.imaging.sample_images import close, decode, jpeg, quadrants


def _photo_like(width: int, height: int) -> Any:
    """Smooth gradients with fine detail: something a DCT decode can get wrong."""
    x = pyvips.Image.xyz(width, height)
    red = (x[0] * 255 / width).cast("uchar")
    green = (x[1] * 255 / height).cast("uchar")
    blue = ((x[0] + x[1]).sin() * 60 + 128).cast("uchar")  # a 1-pixel-scale wave
    return red.bandjoin([green, blue]).copy(interpretation="srgb")


def _psnr(a: Any, b: Any) -> float:
    mse = ((a.cast("float") - b.cast("float")) ** 2).avg()
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ((6000, 3400), (400, 227), 8),
        ((1920, 1200), (400, 250), 4),
        ((1920, 1200), (700, 438), 2),
        ((1920, 1200), (1000, 625), 1),
        ((1920, 1200), (400, 1000), 1),  # the height needs the full decode
    ],
)
def test_the_smallest_scale_that_covers_the_target(
    source: tuple[int, int], target: tuple[int, int], expected: int
) -> None:
    data = jpeg(pyvips.Image.black(*source).cast("uchar").copy(interpretation="b-w"), 50)
    info = inspect_source(data, Limits())
    assert draft_shrink(info, Resize(*target)) == expected


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_matches_libvips_thumbnail(orientation: int) -> None:
    image = quadrants(1600, 800).copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    data = jpeg(image)
    info = inspect_source(data, Limits())
    target = Resize(100, 50) if orientation < 5 else Resize(50, 100)
    assert draft_shrink(info, target) == 8
    ours = load_resized(data, target, info, None)
    reference = pyvips.Image.thumbnail_buffer(data, target.width, height=target.height)
    assert (ours.width, ours.height) == (reference.width, reference.height)
    for x, y in ((10, 10), (ours.width - 10, 10), (10, ours.height - 10)):
        assert close(ours(x, y), reference(x, y), tolerance=20), (orientation, x, y)


def test_pixels_stay_close_to_a_full_decode() -> None:
    source = _photo_like(3200, 2000)
    data = jpeg(source, 92)
    info = inspect_source(data, Limits())
    target = Resize(400, 250)
    ours = load_resized(data, target, info, None)
    full = pyvips.Image.new_from_buffer(data, "")
    reference = full.resize(400 / full.width, vscale=250 / full.height, kernel="lanczos3")
    assert (ours.width, ours.height) == (400, 250)
    assert _psnr(ours, reference) > 35


def test_cmyk_jpeg_comes_out_srgb() -> None:
    cmyk = quadrants(1600, 1200).icc_export(output_profile="cmyk")
    data = bytes(cmyk.jpegsave_buffer(Q=95))
    rendered = render(data, parse_transformation("w-200"), accept=None, limits=Limits())
    image = decode(rendered)
    assert (image.width, image.height, image.bands) == (200, 150, 3)
    reference = pyvips.Image.thumbnail_buffer(data, 200, height=150, size="force")
    assert reference.interpretation == "srgb"
    for x, y in ((20, 20), (180, 20), (20, 130), (180, 130)):
        assert close(image(x, y), reference(x, y), tolerance=6), (x, y)
