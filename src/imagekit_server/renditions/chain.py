"""A parsed transformation chain with the facts delivery needs on every request, computed
once per distinct chain text (parsing is pure, so one bounded memo serves all accounts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from imagekit_server.imaging import Plan, TransformationError, is_negotiated, parse_transformation
from imagekit_server.imaging.font_files import is_font_path
from imagekit_server.imaging.plan import Layer, Step, StepNode
from imagekit_server.renditions.hot_cache import BoundedMemo


@dataclass(frozen=True)
class Chain:
    plan: Plan
    key: str  # Plan.cache_key(): the normalised text
    negotiated: bool  # the output format depends on Accept
    uses_client_hints: bool
    uses_width_auto: bool  # the response then carries `Content-DPR`
    named_only: bool  # only `n-` references: private files may be read unsigned
    # `fo-custom` reads the file's stored focus area, which can change without a new version.
    uses_custom_focus: bool
    # Other files of the account the render reads (image layers, layer fonts), as file paths:
    # their versions belong in the variant key. Empty for most chains.
    layer_files: tuple[str, ...] = ()
    # The chain starts with e-bgremove / e-removedotbg / e-changebg (docs/extensions.md).
    removes_background: bool = False

    @classmethod
    def of(cls, plan: Plan) -> Chain:
        key = plan.cache_key()
        return cls(
            plan=plan,
            key=key,
            negotiated=not plan.original and is_negotiated(plan.output.format),
            uses_client_hints=plan.uses_client_hints,
            uses_width_auto=any(isinstance(n, Step) and n.width_auto for n in plan.steps),
            named_only=bool(plan.named)
            and not plan.steps
            and not plan.original
            and not plan.default_image,
            uses_custom_focus="fo-custom" in key,
            layer_files=tuple(dict.fromkeys(_layer_files(plan.steps))),
            removes_background=plan.background_removal is not None,
        )


def layer_file_path(path: str) -> str:
    """The file path a layer input (`i-`, `ff-`) names: `@@` separates folders."""
    return "/" + path.replace("@@", "/").strip("/")


def _layer_files(nodes: Iterable[StepNode]) -> Iterator[str]:
    """Every account file the nodes read, nested layers and both branches of conditions
    included (a branch not taken only costs a memoised lookup)."""
    for node in nodes:
        if isinstance(node, Step):
            for layer in node.layers:
                yield from _files_of_layer(layer)
        else:
            yield from _layer_files(node.then_steps)
            yield from _layer_files(node.else_steps)


def _files_of_layer(layer: Layer) -> Iterator[str]:
    if layer.kind == "image" and not layer.is_canvas:
        yield layer_file_path(layer.source)
    family = layer.text.family if layer.text is not None else None
    if family is not None and is_font_path(family):
        yield layer_file_path(family)
    yield from _layer_files(layer.steps)


def invalid_chain(error: Exception) -> TransformationError:
    """Anything the parser raises besides TransformationError must still be a 400."""
    return TransformationError(400, "EINVALIDTRANSFORMATION", f"invalid transformation: {error}")


def _parse(text: str) -> Chain | TransformationError:
    try:
        return Chain.of(parse_transformation(text))
    except TransformationError as error:
        return error
    except (ValueError, ArithmeticError, RecursionError) as error:
        return invalid_chain(error)


parsed_chain = BoundedMemo(_parse)
