"""The work a plan asks for is measured from the plan and refused before decoding."""

from __future__ import annotations

import threading

import pytest

from imagekit_server.imaging import Limits, TransformationError, parse_transformation, render
from imagekit_server.imaging.workload import Workload, measure
from tests.server.imaging.sample_images import png, quadrants

NOT_AN_IMAGE = b"these bytes are never read"


def _measure(text: str) -> Workload:
    return measure(parse_transformation(text).steps)


def test_steps_effects_and_layers_are_counted_everywhere() -> None:
    workload = _measure(
        "w-10,bl-4,e-sharpen:e-grayscale"
        ":l-image,i-a.png,e-contrast,l-image,i-b.png,l-end:rt-90,l-end"
        ":if-w_gt_5,bl-2,if-else,e-grayscale,if-end"
    )
    # base: 3 steps (the third holds the layer); layer a: 2; layer b: 1; the branches: 2
    assert workload.steps == 8
    assert workload.layers == 2
    assert workload.effects == 6  # bl, sharpen, grayscale, contrast, bl, grayscale
    assert workload.step_effects == 2


def test_kernels_cost_more_as_they_grow() -> None:
    assert _measure("bl-100").units > _measure("bl-2").units > _measure("w-10").units == 1


@pytest.mark.parametrize(
    ("text", "limits", "words"),
    [
        (":".join(["bl-100"] * 400), Limits(), "400 steps"),
        (":".join(["e-sharpen"] * 51), Limits(), "51 steps"),
        (":".join(["e-sharpen,e-grayscale,e-contrast"] * 40), Limits(), "120 effects"),
        ("bl-5,e-sharpen,e-grayscale", Limits(max_step_effects=2), "more than 2 effects"),
        ("l-image,i-a.png,l-end:l-image,i-a.png,l-end", Limits(max_layers=1), "1 layers"),
    ],
)
def test_plans_past_a_limit_are_refused_before_the_source_is_read(
    text: str, limits: Limits, words: str
) -> None:
    with pytest.raises(TransformationError) as refused:
        render(NOT_AN_IMAGE, parse_transformation(text), accept=None, limits=limits)
    assert (refused.value.status, refused.value.code) == (400, "ELIMIT")
    assert words in refused.value.message


def test_the_cost_is_judged_from_the_source_header() -> None:
    small = png(quadrants(40, 30))
    plan = parse_transformation(":".join(["bl-100"] * 20))
    limits = Limits(max_render_cost=20 * 12 + 1)  # 20 x (step + blur of 11 units), at 1 MP
    assert render(small, plan, accept=None, limits=limits).width == 40
    with pytest.raises(TransformationError) as refused:
        render(small, plan, accept=None, limits=Limits(max_render_cost=200))
    assert refused.value.code == "ELIMIT" and "too expensive" in refused.value.message


def test_a_deep_chain_renders_on_a_thread_without_overflowing_its_stack() -> None:
    """400 chained blurs overflowed libvips' recursion on a default 8 MiB thread stack."""
    source = png(quadrants(16, 12))
    plan = parse_transformation(":".join(["bl-100"] * 400))
    limits = Limits(max_chain_steps=400, max_effects=400, max_render_cost=1e9)
    results: list[object] = []
    worker = threading.Thread(
        target=lambda: results.append(render(source, plan, accept=None, limits=limits))
    )
    worker.start()
    worker.join()
    assert len(results) == 1


def test_a_plan_at_the_default_limits_renders() -> None:
    """30 steps of two effects and one of 19 layers (whose own steps count too): 50 steps."""
    layers = ",".join("l-image,i-ik_canvas,bg-red,w-4,h-4,l-end" for _ in range(19))
    text = ":".join(["bl-100,e-grayscale"] * 30 + [layers])
    plan = parse_transformation(text)
    workload = measure(plan.steps)
    assert (workload.steps, workload.layers, workload.effects) == (50, 19, 60)
    results: list[object] = []
    worker = threading.Thread(
        target=lambda: results.append(
            render(png(quadrants(16, 12)), plan, accept=None, limits=Limits())
        )
    )
    worker.start()
    worker.join()
    assert len(results) == 1
