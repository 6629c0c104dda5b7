"""`parse_transformation`: text -> typed, validated :class:`Plan`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from imagekit_server.imaging.conditions import parse_condition
from imagekit_server.imaging.effect_parameters import EFFECT_HANDLERS, refusal_for
from imagekit_server.imaging.errors import UNSUPPORTED, TransformationError, invalid
from imagekit_server.imaging.layers_plan import parse_layer
from imagekit_server.imaging.named import NamedResolver, expand_named, named_references
from imagekit_server.imaging.parameters import CORE_HANDLERS, ParseContext
from imagekit_server.imaging.plan import Conditional, Layer, OutputOptions, Plan, Step, StepNode
from imagekit_server.imaging.syntax import RawConditional, RawLayer, RawParam, RawStep, tokenise

T = TypeVar("T")
MAX_LAYER_DEPTH = 3
_HANDLERS = {**CORE_HANDLERS, **EFFECT_HANDLERS}
# Keys that make sense on the base image only (a layer's own page is `pg`).
_BASE_ONLY = frozenset({"orig", "di", "n"})


def parse_transformation(
    text: str,
    *,
    resolve_named: NamedResolver | None = None,
    ignore_unsupported: bool = False,
) -> Plan:
    """Parse a `tr` value (path form raw, or query form decoded once).

    With ``resolve_named`` the `n-` references are expanded before validation; without it
    they are kept in ``Plan.named`` and ``render`` expands them. With ``ignore_unsupported``
    AI and video parameters are dropped and listed in ``Plan.ignored`` instead of raising
    400 EUNSUPPORTED (the `unsupported_ai = "ignore"` setting of docs/reference/transformations.md
    §10).
    """
    steps = tokenise(text)
    names = named_references(steps)
    if names and resolve_named is not None:
        steps = expand_named(steps, resolve_named)
        names = ()
    original = any(_has(step, "orig", "true") for step in steps)
    default_image = _default_image(steps)
    context = ParseContext(ignore_unsupported=ignore_unsupported)
    nodes = tuple(build_step(_without(step, _BASE_ONLY), context, 0) for step in steps)
    _check_background_removal(nodes)
    return Plan(
        steps=tuple(node for node in nodes if not _is_empty(node)),
        original=original,
        default_image=default_image,
        named=names,
        text=text,
        ignored=tuple(dict.fromkeys(context.ignored)),
    )


def _check_background_removal(nodes: tuple[StepNode, ...]) -> None:
    """Background removal works on the source: only the first step may ask for it."""
    for index, node in enumerate(nodes):
        inner = [*node.then_steps, *node.else_steps] if isinstance(node, Conditional) else [node]
        if any(isinstance(step, Step) and step.remove_background for step in inner) and (
            index > 0 or isinstance(node, Conditional)
        ):
            raise invalid("e-bgremove, e-removedotbg and e-changebg must be in the first step")


def _has(step: RawStep, key: str, value: str) -> bool:
    return any(isinstance(i, RawParam) and i.key == key and i.value == value for i in step)


def _without(step: RawStep, keys: frozenset[str]) -> RawStep:
    for item in step:
        if isinstance(item, RawParam) and item.key == "orig" and item.value != "true":
            raise invalid("'orig' expects true")
    return tuple(i for i in step if not (isinstance(i, RawParam) and i.key in keys))


def _default_image(steps: tuple[RawStep, ...]) -> str | None:
    found = None
    for step in steps:
        for item in step:
            if isinstance(item, RawParam) and item.key == "di":
                if not item.value:
                    raise invalid("'di' needs a file path")
                found = item.value.replace("@@", "/").strip("/")
    return found


def _is_empty(node: StepNode) -> bool:
    # The text first: comparing all of a Step's fields with a fresh one costs more than the
    # rest of a short chain's parse, and a step with text is never empty.
    return isinstance(node, Step) and not node.text and node == Step(text=node.text)


def build_step(raw: RawStep, context: ParseContext, depth: int) -> StepNode:
    """Validate one step's items into a :class:`Step` (or a :class:`Conditional`)."""
    conditionals = [item for item in raw if isinstance(item, RawConditional)]
    if conditionals:
        if len(raw) != 1:
            raise invalid("a step holding an 'if' block may hold nothing else")
        return _conditional(conditionals[0], context, depth)
    fields: dict[str, Any] = {}
    output = OutputOptions()
    layers: list[Layer] = []
    for item in raw:
        if isinstance(item, RawLayer):
            if depth >= MAX_LAYER_DEPTH:
                raise invalid(f"layers may be nested at most {MAX_LAYER_DEPTH} levels deep")
            layer = _unless_ignored(
                partial(parse_layer, item, depth + 1, build_step, context),
                f"l-{item.kind}",
                context,
            )
            if layer is not None:
                layers.append(layer)
            continue
        assert isinstance(item, RawParam)
        updates = _unless_ignored(partial(_handle, item, context), item.key, context) or {}
        if "output" in updates:
            output = output.merged(updates.pop("output"))
        fields.update(updates)
    if depth > 0 and fields.get("remove_background"):
        raise invalid("e-bgremove, e-removedotbg and e-changebg cannot be used in a layer")
    return Step(**fields, output=output, layers=tuple(layers), text=canonical_step(raw))


def _unless_ignored(parse: Callable[[], T], key: str, context: ParseContext) -> T | None:
    """Run ``parse``; an unsupported feature is recorded and dropped when the context allows."""
    try:
        return parse()
    except TransformationError as error:
        if error.code != UNSUPPORTED or not context.ignore_unsupported:
            raise
        context.ignored.append(key)
        return None


def _handle(item: RawParam, context: ParseContext) -> dict[str, Any]:
    refusal = refusal_for(item.key)
    if refusal is not None:
        raise refusal
    if item.key in _BASE_ONLY:
        raise invalid(f"'{item.key}' is not allowed inside a layer or block")
    handler = _HANDLERS.get(item.key)
    if handler is None:
        raise invalid(f"unknown parameter '{item.key}'")
    return handler(item.value, context)


def _conditional(raw: RawConditional, context: ParseContext, depth: int) -> Conditional:
    return Conditional(
        condition=parse_condition(raw.condition),
        then_steps=tuple(build_step(step, context, depth) for step in raw.then_steps),
        else_steps=tuple(build_step(step, context, depth) for step in raw.else_steps),
    )


def canonical_step(raw: RawStep) -> str:
    """Parameters deduplicated (last wins) and sorted; layers and blocks kept in order."""
    params: dict[str, str] = {}
    blocks: list[str] = []
    for item in raw:
        if isinstance(item, RawParam):
            params[item.key] = item.text()
        elif isinstance(item, RawLayer):
            inner = ":".join(canonical_step(step) for step in item.steps)
            blocks.append(f"l-{item.kind},{inner},l-end")
        else:
            then = ":".join(canonical_step(step) for step in item.then_steps)
            otherwise = ":".join(canonical_step(step) for step in item.else_steps)
            blocks.append(f"if-{item.condition},{then},if-else,{otherwise},if-end")
    return ",".join([*sorted(params.values()), *blocks])
