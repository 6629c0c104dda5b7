"""URL rewriters: serve URLs written for Cloudinary, imgix or Akamai Image Manager by
translating them into an ImageKit path and transformation chain.

Only parameters with an exact ImageKit equivalent are translated; a parameter of those
services without one is refused (400, ``EINVALIDTRANSFORMATION`` naming it) rather than
silently ignored. Query parameters the services do not define pass through unchanged.

* CLOUDINARY: ``<resource>/<type>/[<components>/...][v<version>/]<public id>`` where each
  component is ``key_value`` pairs joined by ``,`` (a chained step each). With
  ``preserveAssetDeliveryTypes`` the ``<resource>/<type>`` segments stay in the path.
* IMGIX: query parameters (``w``, ``h``, ``fit``, ``crop``, ``q``, ``fm``, ``auto``, ``dpr``,
  ``rot``, ``bg``, ``ar``, ``flip``).
* AKAMAI: ``imwidth``, ``imdensity`` and ``impolicy`` (a named transformation).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

from imagekit_server.origins.endpoint_models import UrlRewriter


class RewriteError(ValueError):
    """The URL cannot be translated; the message is the ``ik-error`` value."""


def _refuse(service: str, parameter: str) -> RewriteError:
    return RewriteError(
        f"EINVALIDTRANSFORMATION - {service} parameter '{parameter}' has no exact "
        "ImageKit equivalent"
    )


_NUMBER = re.compile(r"\d+(\.\d+)?")
_HEX = re.compile(r"[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?")
_GRAVITY = {
    "center": "center",
    "north": "top",
    "south": "bottom",
    "east": "right",
    "west": "left",
    "north_east": "top_right",
    "north_west": "top_left",
    "south_east": "bottom_right",
    "south_west": "bottom_left",
    "face": "face",
    "auto": "auto",
}
_CLOUDINARY_CROP = {
    "fill": "c-maintain_ratio",
    "limit": "c-at_max",
    "fit": "c-at_max_enlarge",
    "pad": "cm-pad_resize",
    "lpad": "cm-pad_resize_no_enlarge",
    "crop": "cm-extract",
}
_FORMATS = frozenset({"jpg", "jpeg", "png", "webp", "avif", "gif", "auto"})
_CLOUDINARY_COMPONENT = re.compile(r"[a-z]{1,3}_[^,/]+(,[a-z]{1,3}_[^,/]+)*")
_CLOUDINARY_TYPES = frozenset({"image", "video", "raw"})


def rewrite_target(
    rewriter: UrlRewriter, raw_path: str, raw_query: str, endpoint_path: str
) -> tuple[str, str]:
    """``(raw_path, raw_query)`` in ImageKit form: a ``tr:`` segment after the endpoint."""
    prefix = f"/{endpoint_path}/"
    remainder = raw_path[len(prefix) :]
    chain: list[str] = []
    if remainder.startswith("tr:"):  # an ImageKit chain already in the URL stays first
        segment, _, remainder = remainder.partition("/")
        chain.append(segment[3:])
    if rewriter.type == "CLOUDINARY":
        remainder, steps = _cloudinary(remainder, rewriter.preserve_asset_delivery_types)
        chain += steps
    else:
        translate = _imgix if rewriter.type == "IMGIX" else _akamai
        raw_query, step = _query_rewrite(raw_query, translate)
        if step:
            chain.append(step)
    head = f"tr:{':'.join(chain)}/" if chain else ""
    return f"{prefix}{head}{remainder}", raw_query


def _cloudinary(remainder: str, preserve: bool) -> tuple[str, list[str]]:
    segments = remainder.split("/")
    if len(segments) < 3 or segments[0] not in _CLOUDINARY_TYPES:
        return remainder, []
    kept = segments[:2] if preserve else []
    rest = segments[2:]
    steps: list[str] = []
    while len(rest) > 1 and _CLOUDINARY_COMPONENT.fullmatch(unquote(rest[0])):
        steps.append(_cloudinary_step(unquote(rest[0])))
        rest = rest[1:]
    if len(rest) > 1 and re.fullmatch(r"v\d+", rest[0]):
        rest = rest[1:]
    return "/".join(kept + rest), [step for step in steps if step]


def _cloudinary_step(component: str) -> str:
    pairs = dict(item.split("_", 1) for item in component.split(","))
    out: list[str] = []
    for key, value in pairs.items():
        out += _cloudinary_parameter(key, value, pairs)
    return ",".join(out)


def _cloudinary_parameter(key: str, value: str, pairs: dict[str, str]) -> list[str]:
    simple = {"w": "w", "h": "h", "x": "x", "y": "y", "dpr": "dpr", "r": "r"}
    if key in simple and (_NUMBER.fullmatch(value) or (key == "r" and value == "max")):
        return [f"{simple[key]}-{value}"]
    if key == "q" and (value.isdigit() or value == "auto"):
        return [] if value == "auto" else [f"q-{value}"]
    if key == "f" and value in _FORMATS:
        return [f"f-{value}"]
    if key == "c" and value == "scale":
        return ["c-force"] if "w" in pairs and "h" in pairs else []
    if key == "c" and value in _CLOUDINARY_CROP:
        return [_CLOUDINARY_CROP[value]]
    if key == "g" and value in _GRAVITY:
        return [f"fo-{_GRAVITY[value]}"]
    if key == "a" and re.fullmatch(r"-?\d+", value):
        return [f"rt-{value.replace('-', 'N')}"]
    if key == "ar" and re.fullmatch(r"\d+(\.\d+)?:\d+(\.\d+)?", value):
        return [f"ar-{value.replace(':', '-')}"]
    if key == "b" and value.startswith("rgb:") and _HEX.fullmatch(value[4:]):
        return [f"bg-{value[4:].upper()}"]
    if key == "e" and value == "grayscale":
        return ["e-grayscale"]
    raise _refuse("Cloudinary", f"{key}_{value}")


# imgix parameters without an exact ImageKit equivalent (refused, not ignored).
_IMGIX_UNTRANSLATED = frozenset(
    {"blur", "sharp", "usm", "usmrad", "bri", "con", "exp", "gam", "high", "hue", "invert",
     "shad", "vib", "mono", "px", "border", "pad", "mark", "txt", "blend", "rect", "trim",
     "mask", "corner-radius", "fp-x", "fp-y", "fp-z", "max-w", "max-h", "min-w", "min-h",
     "lossless", "ch", "cs", "chromasub", "dl", "page", "faceindex", "facepad", "orient"}
)  # fmt: skip
_IMGIX_FIT = {"crop": "c-maintain_ratio", "max": "c-at_max", "clip": "c-at_max_enlarge"}
_IMGIX_CROP = {"top": "top", "bottom": "bottom", "left": "left", "right": "right"}


def _imgix(key: str, value: str, params: dict[str, str]) -> list[str] | None:
    """ImageKit parameters for one imgix parameter; None when imgix does not define it."""
    if key in ("w", "h", "dpr", "q") and _NUMBER.fullmatch(value):
        return [f"{key}-{value}"]
    if key == "fit":
        if value == "scale":
            return ["c-force"]
        if value == "fill":
            return ["cm-pad_resize"]
        if value in _IMGIX_FIT:
            return [_IMGIX_FIT[value]]
    if key == "crop":
        return [_imgix_crop(value)]
    if key == "fm" and value in _FORMATS - {"auto"}:
        return [f"f-{value}"]
    if key == "auto":
        return ["f-auto"] if "format" in value.split(",") else []
    if key == "rot" and re.fullmatch(r"\d+", value):
        return [f"rt-{value}"]
    if key == "bg" and _HEX.fullmatch(value):
        # imgix writes alpha first (AARRGGBB); ImageKit last (RRGGBBAA).
        colour = value[2:] + value[:2] if len(value) == 8 else value
        return [f"bg-{colour.upper()}"]
    if key == "ar" and re.fullmatch(r"\d+(\.\d+)?:\d+(\.\d+)?", value):
        return [f"ar-{value.replace(':', '-')}"]
    if key == "flip" and value in ("h", "v", "hv"):
        return [f"fl-{value}"]
    if key == "sat" and value == "-100":
        return ["e-grayscale"]
    if key in _IMGIX_UNTRANSLATED or key in ("sat", "flip", "fm", "rot", "bg", "ar", "fit"):
        raise _refuse("imgix", f"{key}={value}")
    return None


def _imgix_crop(value: str) -> str:
    parts = value.split(",")
    if parts == ["faces"]:
        return "fo-face"
    if parts == ["entropy"] or parts == ["edges"]:
        return "fo-auto"
    sides = [_IMGIX_CROP[p] for p in parts if p in _IMGIX_CROP]
    if len(sides) != len(parts) or not 1 <= len(sides) <= 2:
        raise _refuse("imgix", f"crop={value}")
    vertical = [s for s in sides if s in ("top", "bottom")]
    horizontal = [s for s in sides if s in ("left", "right")]
    return "fo-" + "_".join(vertical + horizontal)


def _akamai(key: str, value: str, params: dict[str, str]) -> list[str] | None:
    if key == "imwidth" and value.isdigit():
        return [f"w-{value}"]
    if key == "imdensity" and _NUMBER.fullmatch(value):
        return [f"dpr-{value}"]
    if key == "impolicy" and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value):
        return [f"n-{value}"]
    if key in ("imwidth", "imdensity", "impolicy", "im", "imformat", "imcolor"):
        raise _refuse("Akamai", f"{key}={value}")
    return None


Translate = Callable[[str, str, dict[str, str]], "list[str] | None"]


def _query_rewrite(raw_query: str, translate: Translate) -> tuple[str, str]:
    """Split the query into translated parameters (one chain step) and the rest (kept raw,
    in order, so signatures and ``tr`` still work)."""
    items = [item for item in raw_query.split("&") if item]
    params = {unquote(k.replace("+", " ")): unquote(v.replace("+", " ")) for k, _, v in
              (item.partition("=") for item in items)}  # fmt: skip
    kept: list[str] = []
    step: list[str] = []
    for item in items:
        key, _, value = item.partition("=")
        translated = translate(unquote(key), unquote(value.replace("+", " ")), params)
        if translated is None:
            kept.append(item)
        else:
            step += translated
    return "&".join(kept), ",".join(step)
