"""Resize, crop and pad judged by decoded pixels (docs/reference/transformations.md §3, §7)."""

from __future__ import annotations

import pytest
import pyvips

from imagekit_server.imaging import Limits, Rendered, parse_transformation, render
from imagekit_server.imaging.sizes import ClientHints
from tests.server.imaging.sample_images import close, decode, jpeg, png, quadrants

RED, GREEN, BLUE, WHITE = [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]
WEBP = "image/webp,image/*"


@pytest.fixture(scope="module")
def source() -> bytes:
    return jpeg(quadrants())


def run(
    source: bytes, text: str, accept: str | None = WEBP, hints: ClientHints | None = None
) -> Rendered:
    return render(source, parse_transformation(text), accept=accept, limits=Limits(), hints=hints)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("w-300,h-200,c-at_max,q-80:rt-90", (200, 267)),
        ("w-400,h-300:rt-90", (300, 400)),
        ("rt-90:w-400,h-300", (400, 300)),
        ("w-300,h-200,cm-pad_resize,bg-F3F3F3", (300, 200)),
        ("w-iw_div_4,h-ih_div_2:b-cw_mul_0.05_yellow", (276, 401)),
        ("w-300", (300, 225)),
        ("h-150", (200, 150)),
        ("w-0.5", (500, 375)),
        ("w-300,h-200", (300, 200)),
        ("w-300,h-200,c-force", (300, 200)),
        ("w-2000,h-2000,c-at_max", (1000, 750)),
        ("w-2000,h-2000,c-at_max_enlarge", (2000, 1500)),
        ("w-300,h-200,c-at_least", (300, 225)),
        ("w-400,ar-16-9", (400, 225)),
        ("w-400,ar-iar_div_2", (400, 600)),
        ("w-100,dpr-2", (200, 150)),
        ("w-3000,dpr-2", (3000, 2250)),
        ("w-iw_div_2,h-ih_div_2,cm-extract,x-iw_mul_0.2,y-ih_mul_0.2", (500, 375)),
        ("w-1200,h-900,cm-pad_extract", (1200, 900)),
        ("w-1200,h-900,cm-pad_extract_no_shrink", (1200, 900)),
        ("w-300,h-200,cm-pad_resize_no_enlarge", (300, 200)),
        ("w-2000,h-200,c-maintain_ratio_no_enlarge", (1000, 100)),
        ("h-ih_mul_0.8_add_iw_mul_0.4", (1333, 1000)),
        ("if-ar_gt_1,w-200,if-else,w-300,if-end", (200, 150)),
        ("if-ar_lt_1,w-200,if-else,w-300,if-end", (300, 225)),
        ("e-shadow", (1000, 750)),
    ],
)
def test_output_sizes(source: bytes, text: str, size: tuple[int, int]) -> None:
    rendered = run(source, text)
    image = decode(rendered)
    assert (image.width, image.height) == size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("w-300,h-200,c-at_max", (148, 200)),
        ("w-300,h-200,c-at_least", (300, 405)),
        ("w-850,h-1000,c-at_max_enlarge", (740, 1000)),
    ],
)
def test_documented_sanity_numbers_on_a_portrait(text: str, size: tuple[int, int]) -> None:
    portrait = jpeg(quadrants(740, 1000))
    assert (run(portrait, text).width, run(portrait, text).height) == size


def test_expression_precedence_documented_order(source: bytes) -> None:
    # (1000 + 10) mod 7 = 2 under ImageKit's documented order; 1003 conventionally.
    assert run(source, "w-iw_add_10_mod_7").width == 2


def test_maintain_ratio_crops_at_the_focus(source: bytes) -> None:
    image = decode(run(source, "w-200,h-300,fo-left"))
    # cover scale 0.4 -> 400x300; fo-left keeps the left half: red above, blue below.
    assert close(image(100, 50), RED) and close(image(100, 250), BLUE)
    image = decode(run(source, "w-200,h-300,fo-right"))
    assert close(image(100, 50), GREEN) and close(image(100, 250), WHITE)


def test_rotation_is_clockwise(source: bytes) -> None:
    image = decode(run(source, "w-400:rt-90"))
    # After a clockwise quarter turn the top-left red block sits top-right.
    assert close(image(image.width - 20, 20), RED)
    assert close(image(20, 20), BLUE)


def test_pad_resize_places_image_and_colours_padding(source: bytes) -> None:
    image = decode(run(source, "w-300,h-300,cm-pad_resize,bg-FFFF00"))
    assert close(image(150, 5), [255, 255, 0])  # 300x225 image centred: rows 37..262
    assert close(image(20, 60), RED)
    image = decode(run(source, "w-300,h-300,cm-pad_resize,bg-FFFF00,fo-top"))
    assert close(image(20, 5), RED) and close(image(150, 295), [255, 255, 0])


def test_extract_takes_region_without_scaling(source: bytes) -> None:
    image = decode(run(source, "w-200,h-200,cm-extract,fo-bottom_right"))
    assert (image.width, image.height) == (200, 200)
    assert close(image(100, 100), WHITE)
    image = decode(run(source, "w-100,h-100,cm-extract,x-10,y-10"))
    assert close(image(50, 50), RED)


def test_extract_centre_outside_the_image_fails(source: bytes) -> None:
    from imagekit_server.imaging import TransformationError

    with pytest.raises(TransformationError) as raised:
        run(source, "w-300,h-300,cm-extract,xc-10,yc-10")
    assert raised.value.status == 400


def test_pad_extract_fills_outside_with_background(source: bytes) -> None:
    image = decode(run(source, "w-1200,h-900,cm-pad_extract,bg-00FFFF"))
    assert close(image(50, 50), [0, 255, 255])
    assert close(image(150, 100), RED)


def test_client_hints_width_rounds_up(source: bytes) -> None:
    rendered = run(source, "w-auto", hints=ClientHints(width=212, dpr=2))
    assert rendered.width == 300
    assert run(source, "w-100,dpr-auto", hints=ClientHints(dpr=2)).width == 200


def test_png_transparency_survives_pad(source: bytes) -> None:
    from tests.server.imaging.sample_images import transparent_square

    rendered = run(png(transparent_square()), "w-100,h-50,cm-pad_resize", accept=None)
    assert rendered.format == "png"
    image = decode(rendered)
    assert image.bands == 4 and image(2, 25)[3] == 0 and image(50, 25)[3] >= 250


def test_custom_focus_area_centres_the_crop(source: bytes) -> None:
    plan = parse_transformation("w-200,h-200,fo-custom")
    # Focus area in the white bottom-right quadrant of the 1000x750 original.
    focused = render(source, plan, accept=None, limits=Limits(), custom_focus=(800, 600, 100, 100))
    image = decode(focused)
    # 267x200 after the cover resize: the window is pushed to the right edge (left 67, not 33).
    assert close(image(80, 20), GREEN) and close(image(150, 150), WHITE)
    extract = parse_transformation("w-100,h-100,cm-extract,fo-custom")
    cut = decode(render(source, extract, accept=None, limits=Limits(), custom_focus=(0, 0, 50, 50)))
    assert close(cut(50, 50), RED)
    plain = decode(render(source, plan, accept=None, limits=Limits()))
    assert close(plain(80, 20), RED)  # centred (left 33) without a stored focus area


def test_focus_auto_keeps_the_interesting_part() -> None:
    flat = pyvips.Image.black(400, 100).new_from_image([128, 128, 128]).cast("uchar")
    detail = (pyvips.Image.gaussnoise(100, 100, sigma=90)).cast("uchar")
    busy = flat.insert(detail.bandjoin([detail.flip("horizontal"), detail]), 290, 0)
    data = png(busy.copy(interpretation="srgb"))
    image = decode(run(data, "w-100,h-100,fo-auto", accept=None))
    assert image.deviate() > 40  # the noisy patch, not the flat grey
    plain = decode(run(data, "w-100,h-100", accept=None))
    assert plain.deviate() < 5
