"""Hypothesis: no input makes the parser or the renderer raise anything but TransformationError."""

from __future__ import annotations

import gc

import pytest
import pyvips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagekit_server.imaging import Limits, TransformationError, parse_transformation, render
from tests.server.fuzz.budget import examples
from tests.server.imaging.sample_images import png, quadrants, transparent_square

KEYS = [
    "w", "h", "ar", "dpr", "c", "cm", "fo", "x", "y", "xc", "yc", "z", "q", "f", "lo", "pr", "md",
    "cp", "t", "bg", "b", "r", "rt", "fl", "bl", "o", "e-contrast", "e-grayscale", "e-sharpen",
    "e-usm", "e-shadow", "e-gradient", "e-distort", "e-colorize", "cr", "pg", "dn", "n", "di",
    "orig", "l-image", "l-text", "l-end", "i", "ie", "lx", "ly", "lfo", "fs", "co", "pa", "if",
    "if-else", "if-end", "lm", "al",
]  # fmt: skip
VALUES = [
    "", "300", "0.5", "0", "N40", "auto", "true", "false", "iw_div_2", "cw_mul_0.5_add_10",
    "bw_div_2", "4-3", "2_1", "max", "10_20_30_max", "red", "FF000050", "abc", "center",
    "top_left", "pad_resize", "extract", "at_max", "force", "h_v", "5_red", "ld-right_from-red",
    "bl-3_st-40_x-N5", "p-0_0_10_0_10_10_0_10", "a-45", "w_gt_1", "blurred_10_N20", "dominant",
    "iw_div_0", "99999999", "1e5", "%2C", "2-2-0.8-0.024", "ik_canvas", "aGVsbG8%3D",
]  # fmt: skip

parameter = st.builds(
    lambda key, value: key if not value else f"{key}-{value}",
    st.sampled_from(KEYS),
    st.sampled_from(VALUES) | st.text(max_size=6),
)
transformation = st.lists(st.tuples(parameter, st.sampled_from([",", ":"])), max_size=10).map(
    lambda pairs: "".join(p + d for p, d in pairs)
)


# Values that are valid for each key, so renders mostly get past the parser.
PLAUSIBLE = {
    "w": ["8", "0.5", "iw_div_2", "cw_mul_3", "40"],
    "h": ["6", "0.3", "ih_add_4", "30"],
    "ar": ["4-3", "1_2", "car_mul_2"],
    "dpr": ["2", "0.5"],
    "c": ["maintain_ratio", "force", "at_max", "at_max_enlarge", "at_least",
          "maintain_ratio_no_enlarge"],
    "cm": ["pad_resize", "extract", "pad_extract", "pad_resize_no_enlarge",
           "pad_extract_no_shrink"],
    "fo": ["auto", "top", "bottom_right", "left"],
    "x": ["0", "3", "cw_div_2"], "y": ["1", "ih_div_3"], "xc": ["5"], "yc": ["4"],
    "q": ["1", "50", "100"], "f": ["png", "jpg", "webp", "avif", "auto", "orig", "gif"],
    "lo": ["true"], "pr": ["true"], "md": ["true"], "cp": ["true"],
    "t": ["true", "5"], "bg": ["red", "00FF0050", "blurred", "dominant", "gradient_dominant_4"],
    "b": ["2_red", "cw_div_4_blue"], "r": ["3", "max", "1_2_3_max"],
    "rt": ["90", "N45", "180", "auto", "33"], "fl": ["h", "v", "h_v"],
    "bl": ["3", "50"], "o": ["0", "40"],
    "e-contrast": [""], "e-grayscale": [""], "e-sharpen": ["", "30"],
    "e-usm": ["2-2-0.8-0.024"], "e-shadow": ["", "bl-2_st-90_x-N10_y-20"],
    "e-gradient": ["", "ld-top_right_from-red_to-00FF0080_sp-0.5"],
    "e-distort": ["p-0_0_10_2_12_9_1_8", "a-60", "a-N200"], "e-colorize": ["", "co-blue_in-30"],
    "cr": ["blue", "00FF00_50_FF0000"],
}  # fmt: skip
LAYERS = [
    "l-image,i-logo.png,w-5,lx-N2,l-end",
    "l-image,i-logo.png,t-false,lm-cutter,l-end",
    "l-image,i-logo.png,lm-displace,l-image,i-logo.png,lfo-top,l-end,l-end",
    "l-text,i-Hi,fs-8,co-red,pa-1_2,bg-white,r-2,rt-N30,l-end",
    "l-image,i-ik_canvas,bg-blue,w-bw_div_2,h-4,al-5,e-gradient,l-end",
    "l-image,i-missing.png,l-end",
]
plausible_parameter = st.sampled_from(sorted(PLAUSIBLE)).flatmap(
    lambda key: st.sampled_from(PLAUSIBLE[key]).map(lambda v: f"{key}-{v}" if v else key)
) | st.sampled_from(LAYERS)
plausible_transformation = st.lists(
    st.tuples(plausible_parameter, st.sampled_from([",", ",", ":"])), min_size=1, max_size=6
).map(lambda pairs: "".join(p + d for p, d in pairs))


@settings(max_examples=examples(400), deadline=None)
@given(st.text(max_size=80) | transformation)
def test_parser_raises_only_transformation_errors(text: str) -> None:
    try:
        plan = parse_transformation(text)
    except TransformationError as error:
        assert error.status == 400
        return
    plan.cache_key()


_GREY = (pyvips.Image.black(9, 7) + 100).cast("uchar")
SOURCES = [
    png(quadrants(12, 9)),
    png(transparent_square(10, 4)),
    png(_GREY),
    png(_GREY.bandjoin(200)),
]
LAYER_FILES = {"logo.png": png(transparent_square(6, 3))}
FUZZ_LIMITS = Limits(max_output_pixels=2_000_000, max_processing_seconds=10)


@pytest.mark.parametrize("source", SOURCES, ids=["opaque", "transparent", "grey", "grey-alpha"])
@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=transformation | plausible_transformation | plausible_transformation)
def test_render_raises_only_transformation_errors(source: bytes, text: str) -> None:
    try:
        plan = parse_transformation(text)
        rendered = render(
            source,
            plan,
            accept="image/webp",
            limits=FUZZ_LIMITS,
            load_image=LAYER_FILES.__getitem__,
        )
    except TransformationError as error:
        assert error.status in {400, 404}, str(error)  # a 500 would be a bug worth seeing
        return
    assert rendered.data and rendered.width >= 1 and rendered.height >= 1


@pytest.mark.parametrize("text", ["w-8:w-8:", "w-8:w-8,h-3:bg-red", "w-6:e-grayscale:w-4"])
def test_chained_memory_images_survive_collection(text: str) -> None:
    """Found by the fuzz above: chained steps hand the same in-memory VipsImage back through
    a new wrapper; a collected first wrapper must not take the deadline watch's handle with it
    (the process aborted in libvips' eval signal)."""
    for source in SOURCES:
        for _ in range(20):
            rendered = render(source, parse_transformation(text), accept=None, limits=FUZZ_LIMITS)
            gc.collect()
            assert rendered.width >= 1
