"""`fo-face` and `z` on a real photo (docs/reference/transformations.md §3.5, §3.7), judged by
decoded pixels.

The portrait is NASA's astronaut photo (public domain, see tests/data/README.md). Pasted on a
wide magenta canvas, magenta pixels in the output measure how much background a crop keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pyvips

from imagekit_server.imaging import Limits, Rendered, parse_transformation, render
from imagekit_server.imaging.deadline import watch_deadline
from imagekit_server.imaging.faces import detect_faces
from imagekit_server.imaging.geometry import Crop, FaceBox, Resize, plan_geometry
from imagekit_server.imaging.plan import Step
from tests.server.imaging.sample_images import decode, png

PORTRAIT = Path(__file__).parents[2] / "data" / "astronaut.jpg"
MAGENTA = [255, 0, 255]
PASTED_AT = (820, 40)  # the portrait's top-left on the 1200x400 canvas


def run(source: bytes, text: str) -> Rendered:
    return render(source, parse_transformation(text), accept=None, limits=Limits())


@pytest.fixture(scope="module")
def portrait() -> Any:
    return pyvips.Image.new_from_file(str(PORTRAIT)).copy_memory()


@pytest.fixture(scope="module")
def canvas(portrait: Any) -> Any:
    background = (pyvips.Image.black(1200, 400) + MAGENTA).cast("uchar")
    return background.insert(portrait, *PASTED_AT).copy(interpretation="srgb").copy_memory()


@pytest.fixture(scope="module")
def canvas_png(canvas: Any) -> bytes:
    return png(canvas)


@pytest.fixture(scope="module")
def face(canvas: Any) -> FaceBox:
    box = detect_faces(canvas)
    assert box is not None
    return box


def centre(box: FaceBox) -> tuple[float, float]:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def magenta_fraction(image: Any) -> float:
    """Share of pixels that are the canvas background."""
    mask = (image[0] > 200) & (image[1] < 60) & (image[2] > 200)
    return float(mask.avg()) / 255


def mean_difference(first: Any, second: Any) -> float:
    return float((first.cast("float") - second.cast("float")).abs().avg())


def window_difference(image: Any, canvas: Any, left: int, top: int, size: int) -> float:
    """How far ``image`` is from the canvas window at (left, top), scaled to its size.

    The best of the windows shifted by up to 2 source px: resizing before cropping may round
    the window's position by a pixel.
    """
    scale = image.width / size
    shifts = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)]
    return min(
        mean_difference(image, canvas.crop(x, y, size, size).resize(scale))
        for x, y in ((left + dx, top + dy) for dx, dy in shifts)
        if 0 <= x <= canvas.width - size and 0 <= y <= canvas.height - size
    )


def test_detector_finds_the_astronauts_face(portrait: Any) -> None:
    box = detect_faces(portrait)
    assert box is not None
    x, y = centre(box)
    # The face sits around (140, 71) in the 320x320 portrait and is about 60 px wide.
    assert 120 <= x <= 160 and 50 <= y <= 95
    assert 40 <= box[2] <= 100 and 40 <= box[3] <= 100


def test_detection_maps_boxes_back_from_the_small_copy(portrait: Any, face: FaceBox) -> None:
    # The canvas is wider than the detection copy (640 px), so boxes are scaled back up.
    x, y = centre(face)
    assert abs(x - (PASTED_AT[0] + 140)) <= 20 and abs(y - (PASTED_AT[1] + 71)) <= 25
    large = detect_faces(portrait.resize(3))  # 960x960: detected at 1/1.5 scale
    assert large is not None
    assert abs(centre(large)[0] - 3 * 140) <= 60 and 120 <= large[2] <= 300


def test_detection_stops_at_the_render_deadline(portrait: Any) -> None:
    watched: list[Any] = []

    def past_deadline(image: Any) -> Any:
        watched.append(image)  # the wrapper owns the signal handle (see ChainContext.watch)
        return watch_deadline(image, deadline=0.0)

    with pytest.raises(pyvips.Error):
        detect_faces(portrait.resize(3), past_deadline)


def test_no_face_in_a_gradient() -> None:
    ramp = pyvips.Image.xyz(300, 200)[0].cast("uchar")
    assert detect_faces(ramp.bandjoin([ramp, ramp]).copy(interpretation="srgb")) is None


def test_extract_cuts_the_window_around_the_face(
    canvas: Any, canvas_png: bytes, face: FaceBox
) -> None:
    image = decode(run(canvas_png, "w-200,h-200,cm-extract,fo-face,f-png"))
    assert (image.width, image.height) == (200, 200)
    x, y = centre(face)
    left = min(max(round(x - 100), 0), 1000)
    top = min(max(round(y - 100), 0), 200)
    explicit = decode(run(canvas_png, f"w-200,h-200,cm-extract,x-{left},y-{top},f-png"))
    assert mean_difference(image, explicit) == 0
    assert mean_difference(image, canvas.crop(left, top, 200, 200)) < 3  # PNG output is quantised
    assert mean_difference(image, canvas.crop(left - 20, top, 200, 200)) > 10
    plain = decode(run(canvas_png, "w-200,h-200,cm-extract,f-png"))
    assert magenta_fraction(plain) > 0.95  # the centred window misses the portrait


def test_maintain_ratio_crop_keeps_the_face(canvas: Any, canvas_png: bytes, face: FaceBox) -> None:
    image = decode(run(canvas_png, "w-100,h-100,fo-face,f-png"))
    assert (image.width, image.height) == (100, 100)
    # Cover scale 0.25: the 400x400 source window centred on the face, pushed inside the canvas.
    left = min(max(round(centre(face)[0] - 200), 0), 800)
    assert window_difference(image, canvas, left, 0, 400) < 3
    assert window_difference(image, canvas, left - 40, 0, 400) > 10
    found = detect_faces(image.resize(3))
    assert found is not None and abs(centre(found)[0] / 3 - 50) < 20
    centred = decode(run(canvas_png, "w-100,h-100,f-png"))
    assert magenta_fraction(centred) > 0.95


def _face_width(image: Any) -> float:
    found = detect_faces(image.resize(2))  # the z-0.5 face is near the cascade's 20 px minimum
    assert found is not None
    return found[2] / 2


def test_zoom_shows_more_or_less_around_the_face(canvas_png: bytes) -> None:
    chain = "w-200,h-200,cm-extract,fo-face,f-png"
    wide, natural, close = (
        decode(run(canvas_png, f"{chain},z-{zoom}")) for zoom in ("0.5", "1", "2")
    )
    assert {(i.width, i.height) for i in (wide, natural, close)} == {(200, 200)}
    # z-0.5 takes a 400 px window (more magenta around), z-2 a 100 px one (only the portrait).
    assert magenta_fraction(wide) > magenta_fraction(natural) + 0.05
    assert magenta_fraction(close) < 0.01
    widths = [_face_width(image) for image in (wide, natural, close)]
    assert widths[0] * 1.5 < widths[1] < widths[2] / 1.5  # the face grows with z


def test_zoom_in_with_maintain_ratio(canvas: Any, canvas_png: bytes, face: FaceBox) -> None:
    image = decode(run(canvas_png, "w-100,h-100,fo-face,z-2,f-png"))
    assert (image.width, image.height) == (100, 100)
    x, y = centre(face)  # the natural 400 px window halves to 200 px around the face
    left, top = min(max(round(x - 100), 0), 1000), min(max(round(y - 100), 0), 200)
    assert window_difference(image, canvas, left, top, 200) < 3
    assert window_difference(image, canvas, left + 20, top, 200) > 10
    # Zooming out cannot widen a window that already spans the canvas height: clamped.
    same = decode(run(canvas_png, "w-100,h-100,fo-face,z-0.5,f-png"))
    assert mean_difference(same, decode(run(canvas_png, "w-100,h-100,fo-face,f-png"))) < 1


@pytest.mark.parametrize(
    ("text", "operations"),
    [
        # Cover 0.25: the 400x400 window around the face, resized first so the load can shrink.
        ("w-100,h-100,fo-face", [Resize(300, 100), Crop(190, 0, 100, 100)]),
        ("w-100,h-100,fo-face,z-4", [Crop(909, 62, 100, 100)]),  # 100 px window: already 100 px
        ("w-100,h-100,fo-face,z-8", [Crop(934, 87, 50, 50), Resize(100, 100)]),  # enlarged
        ("w-200,h-200,cm-extract,fo-face", [Crop(859, 12, 200, 200)]),
        ("w-200,h-200,cm-extract,fo-face,z-0.5", [Resize(600, 200), Crop(380, 0, 200, 200)]),
        ("w-200,h-200,cm-extract,fo-face,x-10", [Crop(10, 100, 200, 200)]),  # coordinates win
        ("w-100,h-100,c-force,fo-face", [Resize(100, 100)]),
    ],
)
def test_face_window_arithmetic(text: str, operations: list[object]) -> None:
    step = parse_transformation(text).steps[0]
    assert isinstance(step, Step)
    face = (928, 80, 62, 63)  # centre (959, 111.5) on a 1200x400 source
    width = 200 if "w-200" in text else 100
    planned = plan_geometry(step, 1200, 400, width, width, {}, face=face)
    assert planned == operations


def test_no_face_falls_back_to_attention() -> None:
    ramp = pyvips.Image.xyz(400, 100)[0].cast("uchar")
    noise = pyvips.Image.gaussnoise(100, 100, sigma=90).cast("uchar")
    busy = ramp.insert(noise, 290, 0)
    data = png(busy.bandjoin([busy, busy]).copy(interpretation="srgb"))
    for chain in ("w-100,h-100", "w-100,h-100,cm-extract"):
        face = decode(run(data, f"{chain},fo-face,f-png"))
        auto = decode(run(data, f"{chain},fo-auto,f-png"))
        assert mean_difference(face, auto) == 0
        assert face.deviate() > 40  # the noisy patch that attention picks


def test_zoom_without_face_focus_is_ignored(canvas_png: bytes) -> None:
    zoomed = decode(run(canvas_png, "w-100,h-100,z-2,f-png"))
    assert mean_difference(zoomed, decode(run(canvas_png, "w-100,h-100,f-png"))) == 0


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("w-100,h-100,fo-face", (100, 100)),
        ("w-300,h-120,fo-face,z-1.7", (300, 120)),
        ("w-90,h-300,fo-face,z-0.3", (90, 300)),
        ("w-250,h-150,cm-extract,fo-face,z-3", (250, 150)),
        ("w-2000,h-300,cm-extract,fo-face", (1200, 300)),  # extract clamps to the image
        ("w-2400,h-1200,c-maintain_ratio_no_enlarge,fo-face", (800, 400)),
        ("w-100,h-100,c-force,fo-face", (100, 100)),
        ("w-200,fo-face", (200, 67)),
        ("w-100,h-100,fo-face:rt-90", (100, 100)),
    ],
)
def test_output_sizes(canvas_png: bytes, text: str, size: tuple[int, int]) -> None:
    rendered = run(canvas_png, text)
    assert (rendered.width, rendered.height) == size
    image = decode(rendered)
    assert (image.width, image.height) == size


def test_faces_in_a_later_step_are_found_in_that_steps_input(canvas_png: bytes) -> None:
    image = decode(run(canvas_png, "w-600:w-100,h-100,cm-extract,fo-face,f-png"))
    assert magenta_fraction(image) < 0.5  # the 600x200 step input, cut around the face
