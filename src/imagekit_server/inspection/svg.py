"""Read an SVG document as XML, never as a picture: its size, and how much rendering it asks for.

librsvg cannot be interrupted once it renders, and a 1.4 KB document of nested ``<use>``
elements (each instancing the level below ten times) asks it for 100,000 full-canvas shapes:
minutes of CPU that no deadline stops (docs/security.md). So uploads read an SVG's size from
its root element here and never render it, and the renderer refuses documents whose elements,
counted after ``<use>`` expansion, or whose nesting exceed a bound before handing them over.

Parsing uses expat with entity declarations refused (the XML "billion laughs") and no external
entities resolved; ``MAX_DEPTH`` bounds nesting.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass

MAX_DEPTH = 256
_XLINK_HREF = "http://www.w3.org/1999/xlink href"
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
# librsvg's units at its default 96 dpi.
_UNIT_PIXELS = {None: 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4,
                "cm": 96 / 2.54, "in": 96.0}  # fmt: skip


class SvgError(ValueError):
    """Not a well-formed SVG document we are willing to read (its message is safe to show);
    ``over_limit`` when it is well-formed but asks for more than the limit allows."""

    def __init__(self, message: str, over_limit: bool = False) -> None:
        super().__init__(message)
        self.over_limit = over_limit


@dataclass(frozen=True)
class SvgFacts:
    width: int | None  # None when the root gives neither a size nor a viewBox
    height: int | None
    elements: int  # elements as written
    instances: int  # elements after every <use> is expanded (what a renderer draws)
    depth: int  # deepest nesting


@dataclass
class _Node:
    children: list[int]
    uses: str | None  # the id a <use> refers to


def read_svg(data: bytes, max_instances: int | None = None) -> SvgFacts:
    """Parse ``data``; raises ``SvgError`` when malformed, when it declares entities, when it
    nests deeper than ``MAX_DEPTH`` or when ``<use>`` references form a cycle. With
    ``max_instances`` the expansion stops (``SvgError``) as soon as it is exceeded."""
    nodes: list[_Node] = []
    ids: dict[str, int] = {}
    stack: list[int] = []
    root: dict[str, str] = {}
    depth = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        if len(stack) >= MAX_DEPTH:
            raise SvgError(f"the SVG nests elements more than {MAX_DEPTH} deep", True)
        local = name.rpartition(" ")[2]
        href = attributes.get("href") or attributes.get(_XLINK_HREF)
        node = _Node([], href[1:] if local == "use" and href and href.startswith("#") else None)
        index = len(nodes)
        nodes.append(node)
        if stack:
            nodes[stack[-1]].children.append(index)
        else:
            root.update(attributes)
        if "id" in attributes:
            ids.setdefault(attributes["id"], index)
        stack.append(index)
        depth = max(depth, len(stack))

    def end(_name: str) -> None:
        stack.pop()

    def refuse_entities(*_args: object) -> None:
        raise SvgError("the SVG declares XML entities")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse_entities
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise SvgError(f"the SVG is not well-formed XML ({error})") from None
    if not nodes:
        raise SvgError("the SVG has no root element")
    width, height = _size(root)
    instances = _instances(nodes, ids, max_instances)
    return SvgFacts(width, height, len(nodes), instances, depth)


def _instances(nodes: list[_Node], ids: dict[str, int], limit: int | None) -> int:
    """Elements drawn once every <use> is replaced by (a copy of) what it references.

    Iterative post-order with memoised counts, so a reference chain of any length costs one
    visit per element and no Python recursion.
    """
    counts: dict[int, int] = {}
    visiting: set[int] = set()
    work: list[tuple[int, bool]] = [(0, False)]
    while work:
        index, children_done = work.pop()
        if index in counts:
            continue
        node = nodes[index]
        inner = list(node.children)
        target = ids.get(node.uses) if node.uses is not None else None
        if target is not None:
            inner.append(target)
        if not children_done:
            if index in visiting:
                raise SvgError("the SVG's <use> references form a cycle")
            visiting.add(index)
            work.append((index, True))
            work.extend((child, False) for child in inner if child not in counts)
            continue
        if any(child not in counts for child in inner):
            raise SvgError("the SVG's <use> references form a cycle")
        visiting.discard(index)
        counts[index] = 1 + sum(counts[child] for child in inner)
        if limit is not None and counts[index] > limit:
            raise SvgError(f"the SVG draws more than {limit} elements once <use> is expanded", True)
    return counts[0]


def _size(root: dict[str, str]) -> tuple[int | None, int | None]:
    """The root's width and height in pixels, completed from its viewBox as librsvg does."""
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = _view_box(root.get("viewBox"))
    if box is not None:
        box_width, box_height = box
        if width is None and height is None:
            width, height = box_width, box_height
        elif width is None and height is not None:
            width = height * box_width / box_height
        elif height is None and width is not None:
            height = width * box_height / box_width
    if width is None or height is None:
        return None, None
    return max(1, round(width)), max(1, round(height))


def _length(text: str | None) -> float | None:
    match = _LENGTH.match(text or "")
    if match is None:
        return None  # absent, a percentage or a font-relative unit
    value = float(match.group(1)) * _UNIT_PIXELS[match.group(2)]
    return value if 0 < value < 2**31 else None


def _view_box(text: str | None) -> tuple[float, float] | None:
    parts = (text or "").replace(",", " ").split()
    if len(parts) != 4:
        return None
    try:
        width, height = float(parts[2]), float(parts[3])
    except ValueError:
        return None
    return (width, height) if 0 < width < 2**31 and 0 < height < 2**31 else None
