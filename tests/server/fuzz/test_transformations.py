"""Fuzz the transformation parser and planner with long and deeply nested chains: any text
parses (or is refused with 400) quickly, and every plan's workload is measured and judged
without anything but TransformationError. Rendering them is the job of the render fuzz
(tests/server/imaging/test_fuzz.py) and the limits keep that bounded."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagekit_server.imaging import Limits, TransformationError, parse_transformation
from imagekit_server.imaging.workload import check_cost, check_structure, measure
from tests.server.fuzz.budget import examples

PARAMETERS = [
    "w-300", "h-0.5", "ar-4-3", "c-at_max", "cm-pad_resize", "fo-auto", "bl-100", "e-sharpen",
    "e-usm-2-2-0.8-0.024", "e-shadow", "e-gradient", "e-contrast", "e-grayscale", "rt-33",
    "r-max", "b-5_red", "t-true", "bg-blurred", "o-50", "e-distort-a-60", "cr-red", "q-50",
    "f-png", "w-iw_div_2", "x-cw_mul_0.5", "n-thumb", "di-x.png", "orig-true", "zz-1", "w-",
]  # fmt: skip
OPENERS = ["l-image,i-a.png", "l-text,i-Hi", "if-w_gt_10", "l-image,i-ik_canvas"]
CLOSERS = ["l-end", "if-end", "if-else"]
LIMITS = Limits()
PARSE_SECONDS = 1.0  # 16 KB of chain parses in milliseconds; a blow-up would take far longer


token = st.sampled_from(PARAMETERS) | st.sampled_from(OPENERS) | st.sampled_from(CLOSERS)
chain = st.lists(st.tuples(token, st.sampled_from([",", ":"])), max_size=2000).map(
    lambda pairs: "".join(t + d for t, d in pairs)
)
repeated = st.tuples(st.sampled_from(PARAMETERS), st.integers(1, 3000)).map(
    lambda repeat: ":".join([repeat[0]] * repeat[1])
)
nested = st.integers(1, 40).map(lambda depth: "l-image,i-a.png," * depth + "w-5" + ",l-end" * depth)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=chain | repeated | nested)
def test_any_chain_is_parsed_and_judged_quickly(text: str) -> None:
    started = time.monotonic()
    try:
        plan = parse_transformation(text)
        workload = measure(plan.steps)
        check_structure(workload, LIMITS)
        check_cost(workload, LIMITS, 24_000_000)
        plan.cache_key()
    except TransformationError as error:
        assert error.status == 400, str(error)
    assert time.monotonic() - started < PARSE_SECONDS
