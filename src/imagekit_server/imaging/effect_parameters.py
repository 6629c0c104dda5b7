"""Effect parameters (`bg`, `e-*`, `cr`) and the keys this server refuses (AI, video, old overlays).

See docs/reference/transformations.md §6 and §10. Sub-parameter lists such as
`e-shadow-bl-15_st-40_x-10_y-N5`
are split only where a known sub-key starts, so expression values may contain `_`.
"""

from __future__ import annotations

from imagekit_server.imaging.colours import parse_colour
from imagekit_server.imaging.errors import TransformationError, invalid, unsupported
from imagekit_server.imaging.parameters import Fields, Handler, ParseContext
from imagekit_server.imaging.plan import (
    AiShadow,
    Background,
    Colorize,
    ColourReplace,
    Distort,
    Gradient,
    Shadow,
    UnsharpMask,
)
from imagekit_server.imaging.values import (
    clamp,
    number,
    number_or_expression,
    require,
    signed_number,
)

_GRADIENT_DIRECTIONS = {
    "top": 0.0,
    "top_right": 45.0,
    "right": 90.0,
    "bottom_right": 135.0,
    "bottom": 180.0,
    "bottom_left": 225.0,
    "left": 270.0,
    "top_left": 315.0,
}
AI_KEYS = frozenset(
    {
        "e-edit",
        "e-genvar",
        "e-retouch",
        "e-upscale",
    }
)
VIDEO_KEYS = frozenset({"so", "eo", "du", "vc", "ac", "sr", "lso", "leo", "ldu"})
_OLD_OVERLAY_TEXT = (
    "ox oy ofo oh ow oi oit oiar oibg oib oidpr oiq oic oicm oifo oix oiy oixc oiyc ot ots otf "
    "otc oa ott obg ote otw otbg otp otia or"
)
OLD_OVERLAY_KEYS = frozenset(_OLD_OVERLAY_TEXT.split())


def split_sub_parameters(text: str, keys: frozenset[str], parameter: str) -> dict[str, str]:
    """`bl-15_st-40_x-N5` -> {"bl": "15", ...}; a `_` token not starting a key is glued back."""
    result: dict[str, str] = {}
    current: str | None = None
    for token in text.split("_"):
        key, dash, value = token.partition("-")
        if dash and key in keys:
            current = key
            result[key] = value
        elif current is not None:
            result[current] += "_" + token
        else:
            raise invalid(f"'{parameter}' has an unknown option '{token}'")
    return result


def _background(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "bg")
    if text.startswith("genfill"):
        raise unsupported("bg-genfill (AI generative fill) is not supported by this server")
    if text == "dominant":
        return {"background": Background("dominant")}
    if text.startswith("gradient_dominant"):
        corners = text.removeprefix("gradient_dominant").lstrip("_") or "2"
        if corners not in {"2", "4"}:
            raise invalid(f"'bg' has an invalid gradient '{text}'")
        return {"background": Background("gradient_dominant", corners=int(corners))}
    if text == "blurred" or text.startswith("blurred_"):
        return {"background": _blurred(text.split("_")[1:])}
    return {"background": Background("colour", colour=parse_colour(text, "bg"))}


def _blurred(options: list[str]) -> Background:
    if len(options) > 2:
        raise invalid("'bg-blurred' takes at most intensity and brightness")
    blur = None if not options or options[0] == "auto" else clamp(number(options[0], "bg"), 0, 100)
    brightness = signed_number(options[1], "bg") if len(options) > 1 else 0.0
    return Background("blurred", blur=blur, brightness=round(clamp(brightness, -255, 255)))


def _flag(field: str) -> Handler:
    def handle(value: str | None, context: ParseContext) -> Fields:
        if value is not None:
            raise invalid(f"'e-{field}' takes no value")
        return {field: True}

    return handle


def _sharpen(value: str | None, context: ParseContext) -> Fields:
    amount = 50.0 if value is None else clamp(number(value, "e-sharpen"), 1, 99)
    return {"sharpen": amount}


def _unsharp(value: str | None, context: ParseContext) -> Fields:
    parts = require(value, "e-usm").split("-")
    if len(parts) != 4:
        raise invalid("'e-usm' expects radius-sigma-amount-threshold")
    radius, sigma, amount, threshold = (number(part, "e-usm") for part in parts)
    # Bounded so a URL cannot ask for an arbitrarily wide (slow) Gaussian kernel.
    sigma = clamp(sigma, 0.1, 50)
    return {"unsharp": UnsharpMask(radius, sigma, clamp(amount, 0, 20), clamp(threshold, 0, 1))}


def _shadow(value: str | None, context: ParseContext) -> Fields:
    if value is None:
        return {"shadow": Shadow()}
    options = split_sub_parameters(value, frozenset({"bl", "st", "x", "y"}), "e-shadow")
    shadow = Shadow(
        blur=clamp(number(options.get("bl", "10"), "e-shadow"), 0, 15),
        saturation=clamp(number(options.get("st", "30"), "e-shadow"), 0, 100),
        offset_x=clamp(signed_number(options.get("x", "2"), "e-shadow"), -100, 100),
        offset_y=clamp(signed_number(options.get("y", "2"), "e-shadow"), -100, 100),
    )
    return {"shadow": shadow}


def _gradient(value: str | None, context: ParseContext) -> Fields:
    if value is None:
        return {"gradient": Gradient()}
    keys = frozenset({"ld", "from", "to", "sp"})
    options = split_sub_parameters(value, keys, "e-gradient")
    default = Gradient()
    direction = options.get("ld")
    if direction is None:
        angle = default.angle
    elif direction in _GRADIENT_DIRECTIONS:
        angle = _GRADIENT_DIRECTIONS[direction]
    else:
        angle = signed_number(direction, "e-gradient") % 360
    gradient = Gradient(
        angle=angle,
        start=parse_colour(options["from"], "e-gradient") if "from" in options else default.start,
        end=parse_colour(options["to"], "e-gradient") if "to" in options else default.end,
        stop=number_or_expression(options["sp"], "e-gradient", in_layer=context.in_layer)
        if "sp" in options
        else default.stop,
    )
    return {"gradient": gradient}


def _distort(value: str | None, context: ParseContext) -> Fields:
    text = require(value, "e-distort")
    kind, _, rest = text.partition("-")
    if kind == "p":
        points = tuple(signed_number(part, "e-distort") for part in rest.split("_"))
        if len(points) != 8:
            raise invalid("'e-distort-p' expects 8 coordinates")
        return {"distort": Distort(points=points)}
    if kind == "a":
        arc = signed_number(rest, "e-distort")
        if arc == 0 or abs(arc) >= 360:
            raise invalid("'e-distort-a' expects a non-zero angle below 360")
        return {"distort": Distort(arc=arc)}
    raise invalid(f"'e-distort' has an unknown mode '{kind}'")


def _colorize(value: str | None, context: ParseContext) -> Fields:
    if value is None:
        return {"colorize": Colorize()}
    options = split_sub_parameters(value, frozenset({"co", "in"}), "e-colorize")
    default = Colorize()
    colour = parse_colour(options["co"], "e-colorize") if "co" in options else default.colour
    intensity = clamp(number(options["in"], "e-colorize"), 0, 100) if "in" in options else 100
    return {"colorize": Colorize(colour, intensity)}


def _colour_replace(value: str | None, context: ParseContext) -> Fields:
    parts = require(value, "cr").split("_")
    if len(parts) > 3:
        raise invalid("'cr' expects <to>[_<tolerance>[_<from>]]")
    target = parse_colour(parts[0], "cr")
    tolerance = clamp(number(parts[1], "cr"), 0, 100) if len(parts) > 1 else 35.0
    source = parse_colour(parts[2], "cr") if len(parts) > 2 else None
    return {"colour_replace": ColourReplace(target, tolerance, source)}


def _bg_remove(kind: str) -> Handler:
    def handle(value: str | None, context: ParseContext) -> Fields:
        if value:
            raise invalid(f"'e-{kind}' takes no value")
        return {"remove_background": kind}

    return handle


def _change_background(value: str | None, context: ParseContext) -> Fields:
    """`e-changebg-prompt-<colour>`: the background removed, then filled with the colour the
    prompt names; a prompt describing anything else needs a generative model (not here)."""
    text = require(value, "e-changebg")
    prompt = text.removeprefix("prompt-").removeprefix("prompte-").replace("%20", " ").strip()
    try:
        colour = parse_colour(prompt.replace(" ", ""), "e-changebg")
    except TransformationError:
        raise unsupported(
            "e-changebg with a descriptive prompt (a generated background) is not supported "
            "by this server; name a colour (e-changebg-prompt-white) or use e-bgremove,bg-..."
        ) from None
    return {"remove_background": "bgremove", "change_background": colour}


def _ai_shadow(value: str | None, context: ParseContext) -> Fields:
    if not value:
        return {"ai_shadow": AiShadow()}
    options = split_sub_parameters(value, frozenset({"az", "el", "st"}), "e-dropshadow")
    return {
        "ai_shadow": AiShadow(
            azimuth=clamp(number(options.get("az", "215"), "e-dropshadow"), 0, 360),
            elevation=clamp(number(options.get("el", "45"), "e-dropshadow"), 0, 90),
            saturation=clamp(number(options.get("st", "60"), "e-dropshadow"), 0, 100),
        )
    }


EFFECT_HANDLERS: dict[str, Handler] = {
    "e-bgremove": _bg_remove("bgremove"),
    "e-removedotbg": _bg_remove("removedotbg"),
    "e-changebg": _change_background,
    "e-dropshadow": _ai_shadow,
    "bg": _background,
    "e-contrast": _flag("contrast"),
    "e-grayscale": _flag("grayscale"),
    "e-sharpen": _sharpen,
    "e-usm": _unsharp,
    "e-shadow": _shadow,
    "e-gradient": _gradient,
    "e-distort": _distort,
    "e-colorize": _colorize,
    "cr": _colour_replace,
}


def refusal_for(key: str) -> TransformationError | None:
    """The error for a key this server knows but refuses, or None."""
    if key in AI_KEYS:
        return unsupported(f"{key} is not supported by this server")
    if key in VIDEO_KEYS:
        return unsupported(f"{key} (video) is not supported by this server")
    if key in OLD_OVERLAY_KEYS:
        return TransformationError(
            400, "EDEPRECATED", f"old overlay syntax '{key}' is retired; use l- layers"
        )
    return None
