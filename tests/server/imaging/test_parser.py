from __future__ import annotations

import pytest

from imagekit_server.imaging import Plan, TransformationError, parse_transformation
from imagekit_server.imaging.plan import Conditional, Layer, Step


def first_step(text: str) -> Step:
    node = parse_transformation(text).steps[0]
    assert isinstance(node, Step)
    return node


def test_chained_steps_and_values_with_dashes() -> None:
    plan = parse_transformation("w-300,h-200:rt-90,ar-4-3,b-5-A94D34")
    assert len(plan.steps) == 2
    step = plan.steps[1]
    assert isinstance(step, Step)
    assert step.rotate == 90
    assert step.aspect_ratio is not None and step.aspect_ratio.literal_value == pytest.approx(4 / 3)
    assert step.border is not None and step.border.colour.red == 0xA9


def test_negative_rotation_and_flip() -> None:
    step = first_step("rt-N90,fl-h_v")
    assert step.rotate == 270
    assert step.flip_horizontal and step.flip_vertical


def test_output_options_last_occurrence_wins_across_steps() -> None:
    plan = parse_transformation("q-50,f-png:q-70,f-jpeg,pr-true")
    assert plan.output.quality == 70
    assert plan.output.format == "jpg"
    assert plan.output.progressive is True


def test_orig_and_default_image_are_exposed() -> None:
    plan = parse_transformation("orig-true,w-100")
    assert plan.original
    plan = parse_transformation("w-100,di-@@folder@@default.jpg")
    assert plan.default_image == "folder/default.jpg"


def test_empty_steps_are_ignored() -> None:
    assert len(parse_transformation("w-100::h-50:").steps) == 2
    assert parse_transformation("").steps == ()


def test_percent_encoded_values_are_decoded_after_splitting() -> None:
    step = first_step("l-text,i-Hello%2C%20World,l-end")
    assert step.layers[0].source == "Hello, World"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("w-abc", "'w'"),
        ("w-0", "'w'"),
        ("h-N5", "'h'"),
        ("foo-1", "'foo'"),
        ("bg-XYZXYZ", "'bg'"),
        ("bg-FFFFFFAB", "'bg'"),
        ("q-iw_div_2", "'q'"),
        ("w-bw_div_2", "'w'"),
        ("w-iw_div_0", None),
        ("c-squash", "'c'"),
        ("fl-x", "'fl'"),
        ("r-1_2", "'r'"),
        ("l-image,i-a.png", "layer"),
        ("l-end", "l-end"),
        ("if-w_gt_1,w-100", "if"),
        ("if-x_gt_1,w-100,if-end", "'if'"),
    ],
)
def test_invalid_values_name_the_parameter(text: str, named: str | None) -> None:
    try:
        plan = parse_transformation(text)
    except TransformationError as error:
        assert error.status == 400
        assert error.code == "EINVALIDTRANSFORMATION"
        assert named is None or named in error.message
        assert str(error).startswith("EINVALIDTRANSFORMATION - ")
        return
    assert named is None  # division by zero is only found when evaluated
    assert isinstance(plan, Plan)


@pytest.mark.parametrize(
    "text",
    [
        "e-upscale",
        "e-genvar",
        "bg-genfill",
        "du-5",
        "l-video,i-a.mp4,l-end",
        "e-changebg-prompt-beach",
        "pg-2-4",
    ],
)
def test_ai_and_video_parameters_are_unsupported(text: str) -> None:
    with pytest.raises(TransformationError) as raised:
        parse_transformation(text)
    assert raised.value.status == 400
    assert raised.value.code == "EUNSUPPORTED"
    assert "not supported" in raised.value.message


def test_old_overlay_syntax_is_refused() -> None:
    with pytest.raises(TransformationError) as raised:
        parse_transformation("oi-logo.png")
    assert raised.value.status == 400


def test_cache_key_is_normalised() -> None:
    a = parse_transformation("w-300,h-200,q-80")
    b = parse_transformation("q-80,h-200,w-100,w-300")
    assert a.cache_key() == b.cache_key()
    assert a.cache_key() != parse_transformation("w-300:h-200,q-80").cache_key()
    assert parse_transformation("orig-true,w-5").cache_key() == "orig-true"


def test_named_transformation_expansion() -> None:
    stored = {"thumb": "tr:w-100,h-100", "chain": "w-200:rt-90"}
    plan = parse_transformation("n-thumb", resolve_named=stored.__getitem__)
    step = plan.steps[0]
    assert isinstance(step, Step) and step.width is not None
    assert step.width.literal_value == 100
    merged = parse_transformation("n-thumb,h-50", resolve_named=stored.__getitem__)
    merged_step = merged.steps[0]
    assert isinstance(merged_step, Step) and merged_step.height is not None
    assert merged_step.height.literal_value == 50  # explicit parameters win
    assert len(parse_transformation("n-chain", resolve_named=stored.__getitem__).steps) == 2
    with pytest.raises(TransformationError, match="does not exist"):
        parse_transformation("n-missing", resolve_named=stored.__getitem__)
    with pytest.raises(TransformationError):
        parse_transformation("n-chain,q-10", resolve_named=stored.__getitem__)


def test_named_transformation_kept_without_resolver() -> None:
    plan = parse_transformation("n-thumb")
    assert plan.named == ("thumb",)
    assert "n-thumb" in plan.cache_key()


def test_conditional_block() -> None:
    condition = "if-h_gte_100_and_h_lte_400_or_ar_lt_4-3"
    plan = parse_transformation(f"{condition},w-200,if-else,w-300,if-end")
    node = plan.steps[0]
    assert isinstance(node, Conditional)
    assert len(node.condition.alternatives) == 2
    assert node.condition.alternatives[1][0].value == pytest.approx(4 / 3)


def test_layers_nest_and_keep_their_own_steps() -> None:
    text = (
        "w-300,l-image,i-women-dress.jpeg,h-400,b-10_red,lfo-bottom_left,"
        "l-image,i-logo.png,w-150,lfo-top_right,l-end,l-end"
    )
    step = first_step(text)
    outer = step.layers[0]
    assert isinstance(outer, Layer)
    assert outer.source == "women-dress.jpeg" and outer.focus == "bottom_left"
    inner_step = outer.steps[0]
    assert isinstance(inner_step, Step)
    assert inner_step.layers[0].source == "logo.png"
    assert step.width is not None and step.width.literal_value == 300


def test_layer_input_base64_and_paths() -> None:
    step = first_step("l-text,ie-aGVsbG8%3D,l-end:l-image,i-path@@to@@a.png,l-end")
    assert step.layers[0].source == "hello"
    image_step = parse_transformation("l-image,i-path@@to@@a.png,l-end").steps[0]
    assert isinstance(image_step, Step)
    assert image_step.layers[0].source == "path/to/a.png"


def test_layers_nested_too_deep() -> None:
    text = "l-image,i-a,l-image,i-b,l-image,i-c,l-image,i-d,l-end,l-end,l-end,l-end"
    with pytest.raises(TransformationError, match="nested"):
        parse_transformation(text)


def test_unsupported_parameters_can_be_ignored_and_listed() -> None:
    text = "w-100,e-genvar:e-retouch,h-50:l-video,i-a.mp4,l-end,l-image,i-b.png,e-upscale,l-end"
    plan = parse_transformation(text, ignore_unsupported=True)
    assert plan.ignored == ("e-genvar", "e-retouch", "l-video", "e-upscale")
    first, second = plan.steps[0], plan.steps[1]
    assert isinstance(first, Step) and first.width is not None
    assert isinstance(second, Step) and second.height is not None
    with pytest.raises(TransformationError):  # invalid values still fail
        parse_transformation("w-abc,e-genvar", ignore_unsupported=True)


@pytest.mark.parametrize(
    "text",
    [
        "pg-" + "9" * 5000,
        "w-" + "9" * 400,
        "rt-" + "9" * 400,
        "w-²",
        "pg-²",
        "q-٣",
        "if-w_gt_" + "9" * 5000 + ",w-1,if-end",
        "l-text,i-a,al-²,l-end",
        "if-w_gt_1," * 2000 + "w-1" + ",if-end" * 2000,
        "l-image,i-a," * 2000,
    ],
)
def test_hostile_values_are_client_errors(text: str) -> None:
    with pytest.raises(TransformationError) as raised:
        parse_transformation(text)
    assert raised.value.status == 400
