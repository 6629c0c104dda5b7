"""Render the layers of a step onto the image (layers.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imagekit_server.imaging.errors import unsupported
from imagekit_server.imaging.plan import Step, StepNode

if TYPE_CHECKING:
    from imagekit_server.imaging.pipeline import ChainContext


def count_layers(nodes: tuple[StepNode, ...]) -> int:
    total = 0
    for node in nodes:
        if isinstance(node, Step):
            total += sum(1 + count_layers(layer.steps) for layer in node.layers)
        else:
            total += count_layers(node.then_steps) + count_layers(node.else_steps)
    return total


def paint_layers(image: Any, step: Step, context: ChainContext) -> Any:
    raise unsupported("layers are not rendered yet")
