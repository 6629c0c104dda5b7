"""Responsive image attributes (an extension beyond 4.x; docs/sdk-extensions.md).

The same choice of widths as ImageKit's framework SDKs (``getResponsiveImageAttributes``):

- ``sizes`` given: ``w`` descriptors over the device and image breakpoints, dropping those
  narrower than the smallest ``vw`` share of the smallest device breakpoint;
- ``width`` given (no ``sizes``): ``x`` descriptors, each density's width rounded up to the
  nearest breakpoint (1x and 2x unless ``dprs`` says otherwise);
- neither: ``w`` descriptors over the device breakpoints, with ``sizes="100vw"``.

``widths`` replaces the breakpoints with an explicit list. Every URL appends
``{"width": w, "crop": "at_max"}`` to the caller's transformation, so nothing is upscaled; the
``src`` is the largest candidate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

DEVICE_BREAKPOINTS = (640, 750, 828, 1080, 1200, 1920, 2048, 3840)
IMAGE_BREAKPOINTS = (16, 32, 48, 64, 96, 128, 256, 384)
_VW = re.compile(r"(?:^|\s)(1?\d{1,2})vw")


def responsive_image_attributes(
    build_url: Callable[[dict[str, Any]], str],
    options: dict[str, Any],
    *,
    width: int | None = None,
    sizes: str | None = None,
    widths: Sequence[int] | None = None,
    dprs: Sequence[float] = (1, 2),
    device_breakpoints: Sequence[int] = DEVICE_BREAKPOINTS,
    image_breakpoints: Sequence[int] = IMAGE_BREAKPOINTS,
) -> dict[str, Any]:
    """``{"src", "srcset", "sizes"?, "width"?}`` for an ``<img>``; ``options`` are those of
    ``ImageKit.url`` (``path`` or ``src``, ``transformation``, ``signed``, ...)."""
    devices = _checked(device_breakpoints if widths is None else widths, "breakpoints")
    images = _checked(image_breakpoints if widths is None else (), "breakpoints", allow_empty=True)
    every = sorted({*devices, *images})
    if width is not None and (not isinstance(width, int) or width <= 0):
        raise ValueError("width must be a positive integer")
    if not dprs or any(dpr <= 0 for dpr in dprs):
        raise ValueError("dprs must be positive numbers")
    candidates, kind = _candidates(every, devices, width, sizes, dprs)

    def url(candidate: int) -> str:
        steps = list(options.get("transformation") or [])
        return build_url(
            {**options, "transformation": [*steps, {"width": candidate, "crop": "at_max"}]}
        )

    descriptors = [f"{url(w)} {label}" for w, label in candidates]
    attributes: dict[str, Any] = {
        "src": url(candidates[-1][0]),
        "srcset": ", ".join(descriptors),
    }
    final_sizes = sizes if sizes is not None else ("100vw" if kind == "w" else None)
    if final_sizes is not None:
        attributes["sizes"] = final_sizes
    if width is not None:
        attributes["width"] = width
    return attributes


def _candidates(
    every: list[int],
    devices: list[int],
    width: int | None,
    sizes: str | None,
    dprs: Sequence[float],
) -> tuple[list[tuple[int, str]], str]:
    if sizes:
        shares = [int(match) for match in _VW.findall(sizes)]
        smallest = devices[0] * min(shares) / 100 if shares else 0
        return [(w, f"{w}w") for w in every if w >= smallest] or [(every[-1], f"{every[-1]}w")], "w"
    if width is None:
        return [(w, f"{w}w") for w in devices], "w"
    chosen: dict[int, str] = {}
    for dpr in sorted(dprs):
        target = width * dpr
        nearest = next((w for w in every if w >= target), every[-1])
        chosen.setdefault(nearest, f"{dpr:g}x")
    return list(chosen.items()), "x"


def _checked(values: Sequence[int], what: str, *, allow_empty: bool = False) -> list[int]:
    cleaned = sorted({int(v) for v in values})
    if (not cleaned and not allow_empty) or any(v <= 0 for v in cleaned):
        raise ValueError(f"{what} must be positive integers")
    return cleaned
