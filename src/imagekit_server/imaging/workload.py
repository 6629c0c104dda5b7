"""How much work a plan asks for, measured from the plan alone, before any pixel is touched.

A URL is free to send, so the work it may ask for is bounded (docs/security.md, "Work a URL may
ask for"): chained steps (layers' chains and both branches of conditions included), effects per
step and in total, layers, and an estimated cost. The cost is coarse on purpose: every step is
charged at the size of the source (at least one megapixel, since a step may enlarge), in work
units where a plain resize or flip costs 1 and a blur costs in proportion to its kernel. The
render deadline still bounds the time of whatever passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from imagekit_server.imaging.errors import limit_exceeded
from imagekit_server.imaging.limits import Limits
from imagekit_server.imaging.plan import Step, StepNode

MIN_COST_MEGAPIXELS = 1.0


@dataclass(frozen=True)
class Workload:
    steps: int  # Step nodes, wherever they are
    effects: int  # effect operations in all steps
    step_effects: int  # most effects in one step
    layers: int
    units: float  # weighted operations (see ``step_units``)

    def __add__(self, other: Workload) -> Workload:
        return Workload(
            self.steps + other.steps,
            self.effects + other.effects,
            max(self.step_effects, other.step_effects),
            self.layers + other.layers,
            self.units + other.units,
        )

    def cost(self, source_pixels: int) -> float:
        """Estimated work in megapixel x work units for a source of ``source_pixels``."""
        return self.units * max(source_pixels / 1_000_000, MIN_COST_MEGAPIXELS)


def step_effects(step: Step) -> dict[str, float]:
    """The step's effect operations and the work units each costs (kernels scale with sigma)."""
    found: dict[str, float] = {}
    if step.blur:
        found["blur"] = 1 + step.blur / 10  # sigma = bl / 2; kernel width grows with sigma
    if step.sharpen is not None:
        found["sharpen"] = 3 + step.sharpen / 20
    if step.unsharp is not None:
        found["unsharp"] = 3 + step.unsharp.sigma / 5
    if step.shadow is not None:
        found["shadow"] = 3 + step.shadow.blur / 10
    if step.background is not None and step.background.kind != "colour":
        found["background"] = 3
    for name, cost in (
        ("contrast", 2.0 if step.contrast else 0.0),
        ("grayscale", 1.0 if step.grayscale else 0.0),
        ("colorize", 1.0 if step.colorize is not None else 0.0),
        ("colour_replace", 2.0 if step.colour_replace is not None else 0.0),
        ("distort", 4.0 if step.distort is not None else 0.0),
        ("gradient", 1.0 if step.gradient is not None else 0.0),
        ("trim", 1.0 if step.trim else 0.0),
        ("rotate", 2.0 if step.rotate and step.rotate % 90 else 0.0),
        ("radius", 1.0 if step.radius is not None else 0.0),
        ("border", 1.0 if step.border is not None else 0.0),
        ("opacity", 1.0 if step.opacity is not None else 0.0),
    ):
        if cost:
            found[name] = cost
    return found


def measure(nodes: Iterable[StepNode]) -> Workload:
    """The workload of a chain, layers and both branches of every condition included."""
    total = Workload(0, 0, 0, 0, 0.0)
    for node in nodes:
        if isinstance(node, Step):
            found = step_effects(node)
            total += Workload(1, len(found), len(found), 0, 1 + sum(found.values()))
            for layer in node.layers:
                total += Workload(0, 0, 0, 1, 1.0) + measure(layer.steps)
        else:
            total += measure(node.then_steps) + measure(node.else_steps)
    return total


def check_structure(workload: Workload, limits: Limits) -> None:
    """Refuse a plan whose shape alone asks for too much (no source needed)."""
    if workload.steps > limits.max_chain_steps:
        raise limit_exceeded(
            f"the transformation has {workload.steps} steps; "
            f"at most {limits.max_chain_steps} allowed"
        )
    if workload.step_effects > limits.max_step_effects:
        raise limit_exceeded(f"a step holds more than {limits.max_step_effects} effects")
    if workload.effects > limits.max_effects:
        raise limit_exceeded(
            f"the transformation has {workload.effects} effects; "
            f"at most {limits.max_effects} allowed"
        )
    if workload.layers > limits.max_layers:
        raise limit_exceeded(f"more than {limits.max_layers} layers")


def check_cost(workload: Workload, limits: Limits, source_pixels: int) -> None:
    """Refuse a plan whose estimated cost on a source of ``source_pixels`` is too high."""
    cost = workload.cost(source_pixels)
    if cost > limits.max_render_cost:
        raise limit_exceeded(
            f"the transformation is too expensive for this image "
            f"(estimated cost {cost:.0f}, at most {limits.max_render_cost:g})"
        )
