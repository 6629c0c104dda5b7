"""Layers: positions, image/text/solid layers, nesting and modes, judged by pixels
(docs/reference/layers.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pyvips

from imagekit_server.imaging import Limits, TransformationError, parse_transformation, render
from imagekit_server.imaging.layers_render import layer_position
from imagekit_server.imaging.plan import Step
from tests.server.imaging.sample_images import close, decode, jpeg, png, quadrants

RED, GREEN, BLUE, WHITE, BLACK = [255, 0, 0], [0, 255, 0], [0, 0, 255], [255] * 3, [0, 0, 0]


def solid(width: int, height: int, colour: list[int]) -> bytes:
    image = pyvips.Image.black(width, height).new_from_image(colour).cast("uchar")
    return png(image.copy(interpretation="srgb"))


FILES = {
    "logo.png": solid(400, 100, [0, 0, 0, 255]),
    "folder/green.png": solid(50, 50, [0, 255, 0, 255]),
}


@pytest.fixture(scope="module")
def base() -> bytes:
    return jpeg(quadrants(600, 400))


def run(base: bytes, text: str) -> Any:
    rendered = render(
        base,
        parse_transformation(f"{text}:f-png,lo-true"),
        accept=None,
        limits=Limits(),
        load_image=FILES.__getitem__,
    )
    return decode(rendered)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("", (250, 175)),
        ("lfo-bottom_right", (500, 350)),
        ("lx-35", (35, 0)),
        ("lx-N35", (465, 0)),
        ("ly-N0", (0, 350)),
        ("lx-bw_sub_cw,ly-bh_div_2", (500, 200)),
        ("lxc-300,lyc-200", (250, 175)),
        ("lx-700", (500, 0)),
        ("lap-center,lx-10,ly-N10", (310, 190)),
        ("lap-top_left,lx-N10", (-10, 0)),  # with lap, N is a plain negative offset
        ("lap-bottom_right,lx-N150,ly-N100", (450, 300)),
    ],
)
def test_position_table(params: str, expected: tuple[int, int]) -> None:
    text = f"l-image,i-x.png{',' + params if params else ''},l-end"
    step = parse_transformation(text).steps[0]
    assert isinstance(step, Step)
    variables = {"cw": 100, "ch": 50, "car": 2, "bw": 600, "bh": 400, "bar": 1.5}
    assert layer_position(step.layers[0], 100, 50, 600, 400, variables) == expected


def test_image_layer_with_expressions(base: bytes) -> None:
    image = run(base, "l-image,i-logo.png,w-bw_div_2,lx-bw_sub_cw,ly-bh_mul_0.1,l-end")
    # logo 300x75 at (300, 40), touching the right edge.
    assert close(image(450, 77), BLACK) and close(image(299, 77), RED)
    assert close(image(450, 38), GREEN) and close(image(450, 116), GREEN)


def test_layer_iw_is_the_overlay_size(base: bytes) -> None:
    image = run(base, "l-image,i-logo.png,w-iw_div_2,lx-bw_div_8,ly-bh_div_8,l-end")
    # logo 200x50 at (75, 50)
    assert close(image(76, 51), BLACK) and close(image(273, 98), BLACK)
    assert close(image(74, 60), RED) and close(image(276, 60), RED)


def test_solid_block_at_the_bottom(base: bytes) -> None:
    image = run(base, "l-image,i-ik_canvas,bg-000000,w-bw,h-bh_div_10,ly-N0,l-end")
    assert close(image(10, 380), BLACK) and close(image(10, 355), BLUE)


def test_solid_block_transparency_level(base: bytes) -> None:
    image = run(base, "l-image,i-ik_canvas,bg-0000FF,w-100,h-100,al-5,lx-0,ly-0,l-end")
    assert close(image(50, 50), [128, 0, 127], 4)


def test_text_layer_draws_coloured_text_on_its_box(base: bytes) -> None:
    image = run(base, "l-text,i-Hello,fs-40,co-00FF00,bg-FFFF00,pa-10,lfo-top_left,l-end")
    assert close(image(3, 3), [255, 255, 0])
    box = image.crop(0, 0, 100, 60)
    greenish = (box[1] > 200) & (box[0] < 60)
    assert greenish.max() == 255


def test_text_layer_only_allows_parent_variables(base: bytes) -> None:
    with pytest.raises(TransformationError) as raised:
        run(base, "l-text,i-Hi,fs-iw_div_10,l-end")
    assert raised.value.status == 400


def test_nested_layer_is_positioned_on_its_parent(base: bytes) -> None:
    text = (
        "l-image,i-logo.png,w-200,lfo-bottom_left,"
        "l-image,i-folder@@green.png,w-20,lfo-top_right,l-end,l-end"
    )
    image = run(base, text)
    # outer 200x50 at (0, 350); inner 20x20 at its top right: (180, 350)
    assert close(image(190, 360), GREEN) and close(image(170, 360), BLACK)


def test_chained_steps_inside_a_layer(base: bytes) -> None:
    image = run(base, "l-image,i-folder@@green.png,w-100:rt-90,lx-0,ly-0,l-end")
    assert close(image(50, 50), GREEN)


def test_layer_modes(base: bytes) -> None:
    cut = run(base, "l-image,i-folder@@green.png,lm-cutout,lx-0,ly-0,l-end")
    assert cut(10, 10)[3] == 0 and cut(100, 100)[3] == 255
    cutter = run(base, "l-image,i-folder@@green.png,lm-cutter,lx-10,ly-10,l-end")
    assert (cutter.width, cutter.height) == (50, 50) and close(cutter(25, 25), RED)
    multiplied = run(base, "l-image,i-folder@@green.png,lm-multiply,lx-350,ly-250,l-end")
    assert close(multiplied(360, 260), GREEN)  # white x green


def test_missing_layer_file_is_not_found(base: bytes) -> None:
    with pytest.raises(TransformationError) as raised:
        run(base, "l-image,i-missing.png,l-end")
    assert raised.value.status == 404 and raised.value.code == "ENOENT"


def test_too_many_layers(base: bytes) -> None:
    text = ",".join(["l-image,i-logo.png,l-end"] * 3)
    with pytest.raises(TransformationError) as raised:
        render(base, parse_transformation(text), accept=None, limits=Limits(max_layers=2))
    assert raised.value.code == "ELIMIT"


def _ink_width(image: Any) -> int:
    """Width of the dark text ink in the top band of a white image."""
    ink = image.crop(0, 0, image.width, 120)[0] < 128
    columns, _ = ink.project()
    nonzero = [x for x in range(columns.width) if columns(x, 0)[0] > 0]
    return nonzero[-1] - nonzero[0] + 1 if nonzero else 0


DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def test_custom_font_file_is_used(tmp_path: Path) -> None:
    import os

    if not os.path.exists(DEJAVU):
        pytest.skip("no DejaVu font file on this machine")
    with open(DEJAVU, "rb") as handle:
        font = handle.read()
    white = png(pyvips.Image.black(800, 200).new_from_image([255, 255, 255]).cast("uchar"))
    files = {"fonts/Mono.ttf": font}

    def draw(extra: str, fonts: Path | None = tmp_path) -> Any:
        text = f"l-text,i-iiiiiiii,fs-60,co-000000{extra},lfo-top_left,l-end:f-png"
        rendered = render(
            white,
            parse_transformation(text),
            accept=None,
            limits=Limits(font_directory=fonts),
            load_image=files.__getitem__,
        )
        return decode(rendered)

    # In a monospaced font "i" is as wide as any letter, so the run of i's is much wider.
    assert _ink_width(draw(",ff-fonts@@Mono.ttf")) > 1.5 * _ink_width(draw(""))
    # The font file was written where the limits say, and nowhere else is needed.
    assert [path.suffix for path in tmp_path.iterdir()] == [".ttf"]
    # Without a font directory a custom font is refused rather than written to a temp dir.
    with pytest.raises(TransformationError) as raised:
        draw(",ff-fonts@@Mono.ttf", fonts=None)
    assert raised.value.status == 404


def test_unknown_font_family_is_invalid(base: bytes) -> None:
    with pytest.raises(TransformationError) as raised:
        run(base, "l-text,i-Hi,ff-NoSuchFont,l-end")
    assert raised.value.status == 400
    assert run(base, "l-text,i-Hi,ff-Open%20Sans,l-end").width == 600


def test_text_layer_wraps_at_its_maximum_width() -> None:
    white = png(pyvips.Image.black(600, 400).new_from_image([255, 255, 255]).cast("uchar"))
    text = "l-text,i-one%20two%20three%20four%20five%20six,fs-30,w-120,bg-000000,lx-0,ly-0,l-end"
    image = decode(
        render(white, parse_transformation(f"{text}:f-png"), accept=None, limits=Limits())
    )
    box = image[0] < 128  # the black text box
    columns, rows = box.project()
    box_width = sum(1 for x in range(columns.width) if columns(x, 0)[0] > 0)
    box_height = sum(1 for y in range(rows.height) if rows(0, y)[0] > 0)
    assert box_width <= 120 and box_height > 2 * 30


def test_displace_layer_shifts_base_pixels() -> None:
    stripes = pyvips.Image.xyz(100, 40)[0].remainder(20) < 10
    base = png(stripes.ifthenelse([255, 255, 255], [0, 0, 0]).cast("uchar"))
    neutral = solid(100, 40, [128, 128, 0, 255])
    shifting = solid(100, 40, [255, 128, 0, 255])
    files = {"neutral.png": neutral, "shift.png": shifting}

    def draw(name: str) -> Any:
        text = f"l-image,i-{name},t-false,x-5,lm-displace,lx-0,ly-0,l-end:f-png"
        return decode(
            render(
                base,
                parse_transformation(text),
                accept=None,
                limits=Limits(),
                load_image=files.__getitem__,
            )
        )

    unchanged, shifted = draw("neutral.png"), draw("shift.png")
    assert unchanged(2, 5)[0] > 200 and unchanged(12, 5)[0] < 50
    # Red 255 moves sampling ~5 px to the right: column 7 now shows column 12 (black).
    assert shifted(7, 5)[0] < 50 and shifted(17, 5)[0] > 200


def _line_extents(extra: str) -> list[tuple[int, int]]:
    """First and last ink column of each of the two wrapped lines of a black text."""
    white = png(pyvips.Image.black(600, 300).new_from_image([255, 255, 255]).cast("uchar"))
    words = "Hi%20wonderful"  # wraps into a short and a long line at w-200
    text = f"l-text,i-{words},fs-40,w-200,lx-0,ly-0{extra},l-end:f-png"
    image = decode(render(white, parse_transformation(text), accept=None, limits=Limits()))
    ink = image[0] < 128
    _, rows = ink.project()
    inked_rows = [y for y in range(rows.height) if rows(0, y)[0] > 0]
    middle = (inked_rows[0] + inked_rows[-1]) // 2
    extents = []
    for top, bottom in ((inked_rows[0], middle), (middle, inked_rows[-1] + 1)):
        columns, _ = ink.crop(0, top, image.width, bottom - top).project()
        inked = [x for x in range(columns.width) if columns(x, 0)[0] > 0]
        extents.append((inked[0], inked[-1]))
    return extents


def test_text_alignment_and_bold() -> None:
    (first_start, first_end), (second_start, second_end) = _line_extents(",ia-left")
    assert abs(first_start - second_start) <= 3 and abs(first_end - second_end) > 20
    (first_start, first_end), (second_start, second_end) = _line_extents(",ia-right")
    assert abs(first_end - second_end) <= 3 and abs(first_start - second_start) > 20
    regular = _line_extents(",ia-left")[1]
    bold = _line_extents(",ia-left,tg-b")[1]
    assert bold[1] - bold[0] > regular[1] - regular[0]


def test_layer_position_may_use_the_overlay_original_size(base: bytes) -> None:
    # logo.png is 400x100; lx = iw / 8 = 50 after resizing the layer to 100 wide.
    image = run(base, "l-image,i-logo.png,w-100,lx-iw_div_8,ly-0,l-end")
    assert close(image(52, 10), BLACK) and close(image(48, 10), RED)
    with pytest.raises(TransformationError):
        run(base, "l-text,i-Hi,lx-iw_div_8,l-end")
