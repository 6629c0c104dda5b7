"""The typed, immutable result of parsing a transformation string.

A :class:`Plan` is a chain of :class:`Step` (or :class:`Conditional`) nodes. Each step holds
every parameter it may carry as an optional typed field; render functions read them in the
fixed in-step order of docs/reference/transformations.md §2.3. Layers are items of a step
(:class:`Layer`, defined here because a layer holds steps in turn;
imaging/layers_plan.py parses them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from imagekit_server.imaging.colours import Colour
from imagekit_server.imaging.expressions import Expression

WHITE = Colour(255, 255, 255)
TRANSPARENT_BLACK = Colour(0, 0, 0, 0)
MID_GREY = Colour(128, 128, 128)
WHOLE = Expression.literal(1.0)


@dataclass(frozen=True)
class Radius:
    """Corner radii top-left, top-right, bottom-right, bottom-left; None means `max`."""

    corners: tuple[float | None, float | None, float | None, float | None]


@dataclass(frozen=True)
class Border:
    width: Expression
    colour: Colour


@dataclass(frozen=True)
class Background:
    """`bg`: a colour, or a fill derived from the image (blurred, dominant, gradient)."""

    kind: str  # "colour" | "blurred" | "dominant" | "gradient_dominant"
    colour: Colour | None = None
    blur: float | None = None  # None = auto (blurred)
    brightness: int = 0
    corners: int = 2  # gradient_dominant: 2 (linear) or 4 (corners)


@dataclass(frozen=True)
class UnsharpMask:
    radius: float
    sigma: float
    amount: float
    threshold: float


@dataclass(frozen=True)
class Shadow:
    blur: float = 10.0
    saturation: float = 30.0
    offset_x: float = 2.0  # percent of the width
    offset_y: float = 2.0


@dataclass(frozen=True)
class AiShadow:
    """`e-dropshadow`: a light source at ``azimuth`` degrees (0 = from the top, clockwise) and
    ``elevation`` degrees above the ground; ``saturation`` is the shadow's darkness in %."""

    azimuth: float = 215.0
    elevation: float = 45.0
    saturation: float = 60.0


@dataclass(frozen=True)
class Gradient:
    angle: float = 180.0  # degrees; 0 = towards the top, 90 = right, 180 = bottom
    start: Colour = WHITE
    end: Colour = TRANSPARENT_BLACK
    stop: Expression = WHOLE


@dataclass(frozen=True)
class Distort:
    """Perspective (`points`: 8 numbers, corners clockwise from top-left) or arc (`arc`)."""

    points: tuple[float, ...] = ()
    arc: float | None = None


@dataclass(frozen=True)
class Colorize:
    colour: Colour = MID_GREY
    intensity: float = 100.0


@dataclass(frozen=True)
class ColourReplace:
    target: Colour
    tolerance: float = 35.0
    source: Colour | None = None  # None = the dominant colour


@dataclass(frozen=True)
class OutputOptions:
    """Encoder choices; across a chain the last occurrence of each wins."""

    format: str | None = None  # auto, jpg, png, webp, avif, gif, orig
    quality: int | None = None
    lossless: bool | None = None
    progressive: bool | None = None
    metadata: bool | None = None
    colour_profile: bool | None = None

    def merged(self, later: OutputOptions) -> OutputOptions:
        values = {}
        for name in _OUTPUT_FIELDS:  # not dataclasses.fields(): called per step of each parse
            value = getattr(later, name)
            values[name] = getattr(self, name) if value is None else value
        return OutputOptions(**values)


_OUTPUT_FIELDS = tuple(f.name for f in fields(OutputOptions))


@dataclass(frozen=True)
class Step:
    """One chain step: parameters keyed by meaning, None when absent."""

    width: Expression | None = None
    width_auto: bool = False
    height: Expression | None = None
    aspect_ratio: Expression | None = None
    dpr: Expression | None = None
    dpr_auto: bool = False
    crop: str | None = None
    crop_mode: str | None = None
    focus: str | None = None
    x: Expression | None = None
    y: Expression | None = None
    xc: Expression | None = None
    yc: Expression | None = None
    zoom: float | None = None
    trim: int | None = None  # threshold; 0 = trimming explicitly off (`t-false`)
    background: Background | None = None
    border: Border | None = None
    radius: Radius | None = None
    rotate: float | None = None
    rotate_auto: bool = False
    flip_horizontal: bool = False
    flip_vertical: bool = False
    blur: float | None = None
    opacity: float | None = None
    contrast: bool = False
    grayscale: bool = False
    sharpen: float | None = None
    unsharp: UnsharpMask | None = None
    shadow: Shadow | None = None
    # AI steps (docs/extensions.md): the source's background removed ("bgremove" for
    # e-bgremove, "removedotbg" for e-removedotbg; first step only), replaced by a colour
    # (e-changebg), a shadow cast from the alpha mask (e-dropshadow).
    remove_background: str | None = None
    change_background: Colour | None = None
    ai_shadow: AiShadow | None = None
    gradient: Gradient | None = None
    distort: Distort | None = None
    colorize: Colorize | None = None
    colour_replace: ColourReplace | None = None
    page: int | None = None
    density: float | None = None
    output: OutputOptions = OutputOptions()
    layers: tuple[Layer, ...] = ()
    text: str = ""  # normalised source text of the step, for cache keys


@dataclass(frozen=True)
class Comparison:
    prop: str  # w, h, ar, iw, ih, iar
    operator: str  # eq, ne, gt, gte, lt, lte
    value: float


@dataclass(frozen=True)
class Condition:
    """Disjunction of conjunctions: `and` binds tighter than `or`."""

    alternatives: tuple[tuple[Comparison, ...], ...]
    text: str


@dataclass(frozen=True)
class Conditional:
    condition: Condition
    then_steps: tuple[StepNode, ...]
    else_steps: tuple[StepNode, ...] = ()


StepNode = Step | Conditional


CANVAS = "ik_canvas"
DEFAULT_FONT_SIZE = Expression.literal(45)
BLACK = Colour(0, 0, 0)


@dataclass(frozen=True)
class Offset:
    """A layer coordinate; literal `N<v>` values are measured from the far edge."""

    value: Expression
    from_far_edge: bool = False


@dataclass(frozen=True)
class TextStyle:
    size: Expression = DEFAULT_FONT_SIZE
    family: str | None = None
    colour: Colour = BLACK
    align: str = "center"
    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    padding: tuple[Expression, ...] = ()
    line_height: Expression | None = None


@dataclass(frozen=True)
class Layer:
    kind: str  # "image" | "text"
    source: str  # file path for images (`/` restored), the text for text layers
    steps: tuple[StepNode, ...]
    x: Offset | None = None
    y: Offset | None = None
    x_centre: Expression | None = None
    y_centre: Expression | None = None
    focus: str = "center"
    anchor_point: str | None = None
    mode: str | None = None
    alpha_level: int | None = None  # `al` 1-9
    text: TextStyle | None = None

    @property
    def is_canvas(self) -> bool:
        return self.kind == "image" and self.source == CANVAS


@dataclass(frozen=True)
class Plan:
    """A parsed transformation chain. Build it with ``parse_transformation``."""

    steps: tuple[StepNode, ...]
    original: bool = False
    default_image: str | None = None
    named: tuple[str, ...] = field(default=())  # `n-` names still to be expanded
    text: str = ""
    ignored: tuple[str, ...] = ()  # unsupported keys dropped (for the `x-ik-ignored` header)

    @property
    def output(self) -> OutputOptions:
        """Output options gathered across the unconditional steps (last wins)."""
        merged = OutputOptions()
        for node in self.steps:
            if isinstance(node, Step):
                merged = merged.merged(node.output)
        return merged

    @property
    def background_removal(self) -> str | None:
        """How the source's background is removed before the chain runs, or None."""
        first = self.steps[0] if self.steps else None
        return first.remove_background if isinstance(first, Step) else None

    @property
    def uses_client_hints(self) -> bool:
        return any(isinstance(n, Step) and (n.width_auto or n.dpr_auto) for n in self.steps)

    def cache_key(self) -> str:
        """Normalised text: equal for plans that render identically from the same input."""
        if self.original:
            return "orig-true"
        parts = [_node_key(node) for node in self.steps]
        if self.named:
            parts.append(",".join(f"n-{name}" for name in self.named))
        return ":".join(part for part in parts if part)


def _node_key(node: StepNode) -> str:
    if isinstance(node, Step):
        return node.text
    then = ":".join(_node_key(n) for n in node.then_steps)
    otherwise = ":".join(_node_key(n) for n in node.else_steps)
    return f"if-{node.condition.text},{then},if-else,{otherwise},if-end"
