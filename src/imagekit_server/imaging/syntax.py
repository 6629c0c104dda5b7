"""Tokenise a transformation string into a tree of steps, layers and conditional blocks.

This is the lexical layer only (docs/reference/transformations.md §1.2, docs/reference/layers.md
§1.2): it knows delimiters
and block keywords, not what a parameter means. Values are percent-decoded once, after
splitting, so an encoded `,` or `:` inside a value never splits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from imagekit_server.imaging.errors import invalid

MAX_TEXT_LENGTH = 16_384
MAX_BLOCK_DEPTH = 8  # layers (3 deep) and `if` blocks together
_DELIMITERS = re.compile(r"([,:])")
LAYER_KINDS = ("image", "text", "video", "subtitles", "subtitle")


@dataclass(frozen=True)
class RawParam:
    """`key-value` as written; ``value`` is None for a bare flag such as `e-grayscale`."""

    key: str
    value: str | None

    def text(self) -> str:
        return self.key if self.value is None else f"{self.key}-{self.value}"


@dataclass(frozen=True)
class RawLayer:
    kind: str
    steps: tuple[RawStep, ...]


@dataclass(frozen=True)
class RawConditional:
    condition: str
    then_steps: tuple[RawStep, ...]
    else_steps: tuple[RawStep, ...]


RawItem = RawParam | RawLayer | RawConditional
RawStep = tuple[RawItem, ...]


@dataclass
class _Context:
    """An open block: the root chain, a layer, or one branch of an `if` block."""

    kind: str
    steps: list[list[RawItem]] = field(default_factory=lambda: [[]])
    condition: str = ""
    then_steps: tuple[RawStep, ...] | None = None

    def add(self, item: RawItem) -> None:
        self.steps[-1].append(item)

    def new_step(self) -> None:
        self.steps.append([])

    def finished_steps(self) -> tuple[RawStep, ...]:
        return tuple(tuple(step) for step in self.steps if step)


def split_param(token: str) -> RawParam:
    """Split `key-value`; `e-` keys include their effect name (`e-usm-2-2-0.8-0.024`)."""
    if token.startswith("e-"):
        name, _, value = token[2:].partition("-")
        return RawParam(f"e-{name}", unquote(value) if value else None)
    key, dash, value = token.partition("-")
    return RawParam(key, unquote(value) if dash else None)


def tokenise(text: str) -> tuple[RawStep, ...]:
    """Parse ``text`` into steps; raises TransformationError for unbalanced blocks."""
    if len(text) > MAX_TEXT_LENGTH:
        raise invalid("transformation string is too long")
    stack: list[_Context] = [_Context("root")]
    for token in _DELIMITERS.split(text):
        top = stack[-1]
        if token == ":":
            top.new_step()
        elif token in {",", ""}:
            continue
        elif token == "l-end":
            _close_layer(stack)
        elif token.startswith("l-"):
            _open(stack, _Context(f"layer:{token[2:]}"))
        elif token == "if-else":
            _enter_else(stack)
        elif token == "if-end":
            _close_conditional(stack)
        elif token.startswith("if-"):
            _open(stack, _Context("if", condition=token[3:]))
        else:
            top.add(split_param(token))
    if len(stack) > 1:
        raise invalid(f"unterminated {stack[-1].kind.split(':')[0]} block")
    return stack[0].finished_steps()


def _open(stack: list[_Context], block: _Context) -> None:
    if len(stack) > MAX_BLOCK_DEPTH:
        raise invalid("layers and conditions are nested too deeply")
    stack.append(block)


def _close_layer(stack: list[_Context]) -> None:
    top = stack[-1]
    if not top.kind.startswith("layer:"):
        raise invalid("'l-end' without an open layer")
    stack.pop()
    stack[-1].add(RawLayer(top.kind.removeprefix("layer:"), top.finished_steps()))


def _enter_else(stack: list[_Context]) -> None:
    top = stack[-1]
    if top.kind != "if" or top.then_steps is not None:
        raise invalid("'if-else' without an open 'if' block")
    top.then_steps = top.finished_steps()
    top.steps = [[]]


def _close_conditional(stack: list[_Context]) -> None:
    top = stack[-1]
    if top.kind != "if":
        raise invalid("'if-end' without an open 'if' block")
    stack.pop()
    then_steps: tuple[RawStep, ...]
    else_steps: tuple[RawStep, ...] = ()
    if top.then_steps is None:
        then_steps = top.finished_steps()
    else:
        then_steps, else_steps = top.then_steps, top.finished_steps()
    stack[-1].add(RawConditional(top.condition, then_steps, else_steps))


def strip_tr_prefix(text: str) -> str:
    """Stored named transformations may be written with a leading `tr:`."""
    return text[3:] if text.startswith("tr:") else text
