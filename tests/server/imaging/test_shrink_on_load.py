"""JPEG shrink-on-load: decode at the smallest DCT scale that covers the target, then lanczos3.

Checked against libvips' own thumbnail path (which keeps a 2x margin) and a full decode: same
geometry and orientation, colours kept, and pixels close to a full-decode resize.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import pyvips

from imagekit_server.imaging import Limits, parse_transformation, render
from imagekit_server.imaging.geometry import Resize
from imagekit_server.imaging.jpeg_decode import decode_scaled
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


def test_pillow_decodes_rgb_and_grey_at_the_dct_scale() -> None:
    colour = jpeg(_photo_like(1600, 1000), 90)
    image = decode_scaled(colour, 4)
    assert image is not None
    assert (image.width, image.height, image.bands, image.interpretation) == (400, 250, 3, "srgb")
    by_libvips = pyvips.Image.new_from_buffer(colour, "", shrink=4)
    assert (by_libvips.width, by_libvips.height) == (400, 250)
    assert _psnr(image, by_libvips) > 40
    grey = jpeg(_photo_like(1600, 1000).colourspace("b-w"), 90)
    image = decode_scaled(grey, 2)
    assert image is not None
    assert (image.width, image.height, image.bands, image.interpretation) == (800, 500, 1, "b-w")


def test_libvips_decodes_what_pillow_should_not() -> None:
    cmyk = bytes(quadrants(800, 600).icc_export(output_profile="cmyk").jpegsave_buffer(Q=90))
    assert decode_scaled(cmyk, 2) is None
    big = jpeg(pyvips.Image.black(2100, 2000).cast("uchar"), 50)
    assert decode_scaled(big, 1) is None  # 4.2 MP held in memory: left to libvips' streaming
    assert decode_scaled(big, 2) is not None
    truncated = jpeg(_photo_like(800, 600))[:5000]
    assert decode_scaled(truncated, 2) is None
    rendered = render(truncated, parse_transformation("w-100"), accept=None, limits=Limits())
    assert decode(rendered).width == 100  # libvips still renders what it can read


def test_metadata_and_profile_survive_the_pillow_decode() -> None:
    source = quadrants(1600, 1200).copy()
    source.set_type(pyvips.GValue.gint_type, "orientation", 6)
    source.set_type(pyvips.GValue.gstr_type, "exif-ifd0-Make", "ImageKitTest")
    profiled = source.icc_export(output_profile="p3")  # a wide-gamut profile, embedded
    data = bytes(profiled.jpegsave_buffer(Q=95))
    scaled = decode_scaled(data, 4)
    assert scaled is not None
    assert scaled.get("orientation") == 6
    assert scaled.get_typeof("icc-profile-data") != 0
    kept = render(data, parse_transformation("w-150,md-true"), accept=None, limits=Limits())
    output = decode(kept)
    assert (output.width, output.height) == (150, 200)  # rotated upright by orientation 6
    assert "ImageKitTest" in str(output.get("exif-ifd0-Make"))
    stripped = decode(render(data, parse_transformation("w-150"), accept=None, limits=Limits()))
    reference = pyvips.Image.thumbnail_buffer(data, 150, height=200, size="force")
    reference = reference.icc_transform("srgb", embedded=True)
    for x, y in ((20, 20), (130, 20), (20, 180), (130, 180)):
        assert close(stripped(x, y), reference(x, y), tolerance=8), (x, y)


@pytest.mark.parametrize(("width", "shrink"), [(6028, 8), (1001, 8), (1920, 4), (999, 2)])
def test_pillow_decodes_at_exactly_the_asked_scale(width: int, shrink: int) -> None:
    data = jpeg(pyvips.Image.black(width, 600).cast("uchar"), 50)
    image = decode_scaled(data, shrink)
    assert image is not None
    assert image.width == -(-width // shrink)
