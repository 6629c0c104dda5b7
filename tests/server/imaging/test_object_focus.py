"""`fo-<object>` with an operator's YOLO ONNX model (docs/reference/transformations.md §3.5),
judged by decoded pixels. The model is tiny but has the real signature
(tests/fixtures/object_models.py): red cells are "car", blue "dog", green "person"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pyvips

from imagekit_server.imaging import Limits, Rendered, TransformationError, parse_transformation
from imagekit_server.imaging import render as render_plan
from imagekit_server.imaging.objects import detect_objects, object_model
from tests.fixtures.object_models import yolo_model
from tests.server.imaging.sample_images import decode, png

GREY = [128, 128, 128]
RED_AT = (420, 240, 80, 60)  # x, y, width, height of the "car" on the 600x400 scene
BLUE_AT = (40, 40, 60, 60)  # the "dog"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("objects") / "yolo.onnx"
    return yolo_model(
        path, ["person", "car", "dog"], {"person": "green", "car": "red", "dog": "blue"}
    )


@pytest.fixture(scope="module")
def coco_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 classes without the names metadata: COCO's order applies (car is class 2)."""
    from imagekit_server.imaging.objects import COCO_CLASSES

    path = tmp_path_factory.mktemp("objects") / "coco.onnx"
    return yolo_model(path, list(COCO_CLASSES), {"car": "red"}, names=False)


def scene(with_dog: bool = True) -> Any:
    image = (pyvips.Image.black(600, 400) + GREY).cast("uchar").copy(interpretation="srgb")
    image = image.draw_rect([255, 0, 0], *RED_AT, fill=True)
    if with_dog:
        image = image.draw_rect([0, 0, 255], *BLUE_AT, fill=True)
    return image


def render(text: str, model: Path | None, source: bytes | None = None) -> Rendered:
    limits = Limits(object_model=model)
    return render_plan(
        source or png(scene()), parse_transformation(text), accept=None, limits=limits
    )


def share(image: Any, colour: str) -> float:
    """Fraction of ``image``'s pixels that are pure red or blue."""
    red, _, blue = image[0], image[1], image[2]
    mask = (red > 200) & (blue < 60) if colour == "red" else (blue > 200) & (red < 60)
    return float(mask.avg()) / 255


CELL = 600 / 160 * 10  # a model cell in scene pixels: the model finds objects to a cell


def contains(outer: tuple[int, int, int, int], inner: tuple[int, int, int, int]) -> bool:
    """``outer`` covers ``inner`` but for less than a cell at each edge."""
    return (
        outer[0] < inner[0] + CELL
        and outer[1] < inner[1] + CELL
        and outer[0] + outer[2] > inner[0] + inner[2] - CELL
        and outer[1] + outer[3] > inner[1] + inner[3] - CELL
    )


def test_the_box_holds_the_object_to_within_a_cell(model: Path) -> None:
    box = detect_objects(scene(), "car", model)
    assert box is not None and contains(box, RED_AT)
    assert box[2] <= RED_AT[2] + 2 * CELL and box[3] <= RED_AT[3] + 2 * CELL


def test_a_smaller_copy_gives_the_box_in_the_frames_pixels(model: Path) -> None:
    small = scene().resize(0.5)
    box = detect_objects(small, "car", model, frame=(600, 400))
    assert box is not None and contains(box, RED_AT)


def test_several_objects_joined_by_underscore_give_one_box_around_all(model: Path) -> None:
    box = detect_objects(scene(), "car_dog", model)
    assert box is not None and contains(box, RED_AT) and contains(box, BLUE_AT)


def test_no_such_object_in_the_picture_is_none(model: Path) -> None:
    assert detect_objects(scene(), "person", model) is None


def test_names_come_from_the_model_or_are_cocos(model: Path, coco_model: Path) -> None:
    assert object_model(model).classes == ("person", "car", "dog")
    coco = object_model(coco_model)
    assert len(coco.classes) == 80 and coco.classes[9] == "traffic_light"
    box = detect_objects(scene(), "car", coco_model)
    assert box is not None and contains(box, RED_AT)


def test_a_crop_keeps_the_object_and_z_zooms_in(model: Path) -> None:
    """The window maintain_ratio keeps (400x400 of the scene) is placed around the car, as
    `fo-face` places it around faces; `z-3` makes it a third as large."""
    whole_car = RED_AT[2] * RED_AT[3] / 400**2
    image = decode(render("w-120,h-120,fo-car,f-png", model))
    assert (image.width, image.height) == (120, 120)
    assert share(image, "red") == pytest.approx(whole_car, rel=0.15)
    assert share(decode(render("w-120,h-120,fo-left,f-png", model)), "red") == 0
    zoomed = decode(render("w-120,h-120,fo-car,z-3,f-png", model))
    assert share(zoomed, "red") == pytest.approx(9 * whole_car, rel=0.15)


def test_extract_cuts_around_the_object(model: Path) -> None:
    image = decode(render("w-100,h-100,cm-extract,fo-dog,f-png", model))
    assert (image.width, image.height) == (100, 100) and share(image, "blue") > 0.3


def test_without_sides_the_crop_is_tight_and_one_side_scales_it(model: Path) -> None:
    tight = decode(render("fo-car,f-png", model))
    assert tight.width < 140 and tight.height < 120 and share(tight, "red") > 0.4
    wide = decode(render("w-300,fo-car,f-png", model))
    assert wide.width == 300 and abs(wide.height / 300 - tight.height / tight.width) < 0.02


def test_an_object_not_found_falls_back_to_the_attention_crop(model: Path) -> None:
    assert render("w-120,h-120,fo-person,f-png", model).data == (
        render("w-120,h-120,fo-auto,f-png", model).data
    )
    untouched = decode(render("fo-person,f-png", model))
    assert (untouched.width, untouched.height) == (600, 400)


def test_object_names_are_no_anchors(model: Path) -> None:
    """`laptop` holds "top": with pad_resize (no window to place) it must centre."""
    padded = render("w-700,h-400,cm-pad_resize,fo-laptop,f-png", model).data
    assert padded == render("w-700,h-400,cm-pad_resize,f-png", model).data


def test_a_later_step_looks_in_its_own_input(model: Path) -> None:
    image = decode(render("w-300:w-60,h-60,fo-car,z-3,f-png", model))
    assert share(image, "red") > 0.2


def test_without_a_model_object_focus_is_refused_with_what_to_do() -> None:
    with pytest.raises(TransformationError) as raised:
        render("w-100,h-100,fo-car", None)
    assert (raised.value.status, raised.value.code) == (400, "EUNSUPPORTED")
    assert "IMAGEKIT_OBJECT_MODEL" in raised.value.message


def test_an_unknown_object_is_a_400_naming_the_known_ones(model: Path) -> None:
    with pytest.raises(TransformationError) as raised:
        render("w-100,h-100,fo-unicorn", model)
    assert raised.value.status == 400 and "person, car, dog" in raised.value.message


@pytest.mark.parametrize("text", ["fo-Car", "fo-car1", "fo-car-dog", "fo-_car"])
def test_object_names_are_lower_case_words(text: str) -> None:
    with pytest.raises(TransformationError) as raised:
        parse_transformation(text)
    assert raised.value.code == "EINVALIDTRANSFORMATION"


def test_a_broken_model_fails_the_render_without_showing_its_path(tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(TransformationError) as raised:
        render("w-100,h-100,fo-car", broken)
    assert raised.value.status == 500 and str(tmp_path) not in raised.value.message


def test_a_broken_model_is_read_and_logged_once_until_the_file_changes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "later.onnx"
    path.write_bytes(b"not a model yet")
    for _ in range(3):
        with pytest.raises(TransformationError) as raised:
            render("w-100,h-100,fo-car", path)
        assert raised.value.status == 500
    assert caplog.text.count("could not be loaded") == 1
    yolo_model(path, ["person", "car", "dog"], {"car": "red"})  # the operator fixes it
    image = decode(render("w-60,h-60,cm-extract,fo-car,f-png", path))
    assert share(image, "red") > 0.3  # loaded without a restart


def test_a_model_of_another_shape_is_reported(tmp_path: Path) -> None:
    """Names metadata for two classes on a three-class output: not YOLO's layout."""
    path = yolo_model(tmp_path / "odd.onnx", ["person", "car", "dog"], {"car": "red"})
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    del model.metadata_props[:]
    helper.set_model_props(model, {"names": "{0: 'person', 1: 'car'}"})
    onnx.save(model, str(path))
    with pytest.raises(TransformationError) as raised:
        render("w-100,h-100,fo-car", path)
    assert raised.value.status == 500 and "not YOLO" in raised.value.message
