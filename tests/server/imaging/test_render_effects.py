"""Effects and shape parameters judged by decoded pixels (docs/reference/transformations.md §6)."""

from __future__ import annotations

from typing import Any

import pytest
import pyvips

from imagekit_server.imaging import Limits, TransformationError, parse_transformation, render
from tests.server.imaging.sample_images import (
    close,
    decode,
    jpeg,
    png,
    quadrants,
    transparent_square,
)

RED, GREEN, BLUE, WHITE = [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]


@pytest.fixture(scope="module")
def source() -> bytes:
    return png(quadrants(200, 150))


@pytest.fixture(scope="module")
def transparent() -> bytes:
    return png(transparent_square())


def run(source: bytes, text: str, fmt: str = "png") -> Any:
    rendered = render(
        source, parse_transformation(f"{text}:f-{fmt},lo-true"), accept=None, limits=Limits()
    )
    return decode(rendered)


def test_grayscale(source: bytes) -> None:
    pixel = run(source, "e-grayscale")(20, 20)
    assert len(pixel) == 1 or max(pixel[:3]) - min(pixel[:3]) < 3


def test_blur_mixes_across_edges(source: bytes) -> None:
    image = run(source, "bl-10")
    edge = image(100, 20)  # red | green boundary
    assert 40 < edge[0] < 215 and 40 < edge[1] < 215
    assert close(image(10, 10), RED, 40)


def test_sharpen_and_unsharp_increase_local_contrast() -> None:
    soft = (pyvips.Image.xyz(200, 50)[0] > 100).ifthenelse(180, 60).gaussblur(3).cast("uchar")
    data = png(soft.colourspace("srgb"))
    base = run(data, "w-200")
    for text in ("e-sharpen-80", "e-usm-2-2-2-0.01"):
        sharpened = run(data, text)
        assert sharpened.deviate() > base.deviate()


def test_contrast_stretches_a_dull_image() -> None:
    dull = (pyvips.Image.xyz(256, 32)[0] / 256 * 50 + 100).cast("uchar").colourspace("srgb")
    image = run(png(dull), "e-contrast")
    assert image.max() - image.min() > 150


def test_colorize_tints_grey() -> None:
    grey = (pyvips.Image.black(40, 40) + 200).cast("uchar").colourspace("srgb")
    pixel = run(png(grey), "e-colorize-co-red_in-100")(20, 20)
    assert pixel[0] > 150 and pixel[1] < 30 and pixel[2] < 30


def test_colour_replace_swaps_the_chosen_colour(source: bytes) -> None:
    image = run(source, "cr-00FF00_30_FF0000")
    assert close(image(20, 20), GREEN, 40)
    assert close(image(20, 120), BLUE, 40)  # untouched


def test_colour_replace_defaults_to_dominant_colour() -> None:
    mostly_blue = (pyvips.Image.black(60, 60) + BLUE).cast("uchar").copy(interpretation="srgb")
    mostly_blue = mostly_blue.draw_rect(RED, 0, 0, 10, 10, fill=True)
    image = run(png(mostly_blue), "cr-FFFF00")
    assert close(image(40, 40), [255, 255, 0], 60)


def test_radius_makes_transparent_corners(source: bytes) -> None:
    image = run(source, "r-30")
    assert image.bands == 4
    assert image(0, 0)[3] == 0 and image(30, 30)[3] == 255 and image(100, 0)[3] == 255
    ellipse = run(source, "r-max")
    assert ellipse(2, 2)[3] == 0 and ellipse(100, 75)[3] == 255 and ellipse(100, 1)[3] > 0


def test_radius_per_corner(source: bytes) -> None:
    image = run(source, "r-0_40_0_40")
    assert image(0, 0)[3] == 255 and image(199, 0)[3] == 0 and image(0, 149)[3] == 0


def test_border_is_drawn_outside(source: bytes) -> None:
    image = run(source, "b-10_FF00FF")
    assert (image.width, image.height) == (220, 170)
    assert close(image(3, 3), [255, 0, 255]) and close(image(15, 15), RED)


def test_border_with_expression_and_legacy_dash_form(source: bytes) -> None:
    assert run(source, "b-cw_div_20_red").width == 200 + 2 * 10
    assert run(source, "b-5-FFF000").width == 210


def test_opacity_and_flatten(source: bytes) -> None:
    half = run(source, "o-50")
    assert abs(half(20, 20)[3] - 128) <= 2
    blended = run(source, "o-50,bg-0000FF")
    assert blended.bands == 3 and close(blended(20, 20), [128, 0, 127], 4)


def test_bg_flattens_transparency(transparent: bytes) -> None:
    image = run(transparent, "bg-00FF00")
    assert image.bands == 3 and close(image(5, 5), GREEN) and close(image(100, 100), RED)


def test_shadow_appears_under_transparent_images(transparent: bytes) -> None:
    image = run(transparent, "e-shadow-bl-0_st-60_x-5_y-5")
    # The square spans 50..149; the shadow is shifted by 10 px.
    assert image(155, 155)[3] > 100 and image(155, 155)[0] < 20
    assert image(20, 20)[3] == 0
    opaque = run(png(quadrants(60, 40)), "e-shadow")
    assert close(opaque(5, 5), RED)


def test_shadow_input_limit() -> None:
    big = jpeg(quadrants(2000, 1500))
    with pytest.raises(TransformationError) as raised:
        render(big, parse_transformation("e-shadow"), accept=None, limits=Limits())
    assert raised.value.status == 400


def test_gradient_default_and_directions(source: bytes) -> None:
    image = run(source, "e-gradient")
    assert image(20, 1)[1] > 200  # top: white over red
    assert close(image(20, 148), BLUE, 30)  # bottom: the transparent end leaves blue
    ramp = run(png(quadrants(200, 150)), "e-gradient-ld-right_from-FF000000_to-0000FF")
    assert close(ramp(1, 100), BLUE, 10)  # transparent start keeps the image
    assert close(ramp(198, 20), BLUE, 10)


def test_gradient_stop_with_expression() -> None:
    white = png((pyvips.Image.black(100, 100) + 255).cast("uchar").colourspace("srgb"))
    image = run(white, "e-gradient-ld-bottom_from-FFFFFF00_to-000000_sp-ch_div_2")
    assert image(50, 80)[0] < 10  # pure `to` after the stop at 50 px
    assert image(50, 1)[0] > 240


def test_trim_removes_uniform_border() -> None:
    framed = (pyvips.Image.black(100, 80) + WHITE).cast("uchar").copy(interpretation="srgb")
    framed = framed.draw_rect(RED, 20, 10, 50, 40, fill=True)
    image = run(png(framed), "t-true")
    assert (image.width, image.height) == (50, 40)


def test_flip_and_free_rotation(source: bytes) -> None:
    flipped = run(source, "fl-h")
    assert close(flipped(190, 10), RED)
    both = run(source, "fl-h_v")
    assert close(both(190, 140), RED)
    rotated = run(source, "rt-45")
    assert rotated.width == pytest.approx((200 + 150) / 2**0.5, abs=3)
    assert rotated(0, 0)[3] == 0


def test_distort_perspective_and_arc(source: bytes) -> None:
    image = run(source, "e-distort-p-20_0_180_0_200_150_0_150")
    assert (image.width, image.height) == (200, 150)
    assert image(2, 2)[3] == 0 and close(image(40, 20), RED)
    arc = run(source, "e-distort-a-90")
    assert arc.width > 200 and arc(0, arc.height - 1)[3] == 0


def test_blurred_and_dominant_padding() -> None:
    bordered = (pyvips.Image.black(200, 100) + BLUE).cast("uchar").copy(interpretation="srgb")
    bordered = bordered.draw_rect(RED, 80, 30, 40, 40, fill=True)
    dominant = run(png(bordered), "w-200,h-200,cm-pad_resize,bg-dominant")
    assert close(dominant(100, 10), BLUE, 8)
    blurred = run(png(quadrants(200, 100)), "w-200,h-200,cm-pad_resize,bg-blurred_20")
    top = blurred(100, 10)
    assert top != [0.0, 0.0, 0.0] and (top[0] > 30 or top[1] > 30)
    gradient = run(png(quadrants(200, 100)), "w-200,h-200,cm-pad_resize,bg-gradient_dominant")
    assert gradient(100, 10)[:3] != gradient(100, 190)[:3]


@pytest.mark.parametrize(
    ("text", "pixels"),
    [("e-distort-a-359", 100_000), ("e-distort-p-0_0_90000_0_90000_90000_0_90000", 5_000_000)],
)
def test_distortions_respect_the_output_limit(source: bytes, text: str, pixels: int) -> None:
    limits = Limits(max_output_pixels=pixels)
    with pytest.raises(TransformationError) as raised:
        render(source, parse_transformation(text), accept=None, limits=limits)
    assert raised.value.code == "ELIMIT"
