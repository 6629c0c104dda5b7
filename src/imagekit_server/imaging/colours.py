"""Colour values of transformation parameters (`bg`, `b`, `co`, `cr`, gradients...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from imagekit_server.imaging.colour_names import COLOUR_NAMES
from imagekit_server.imaging.errors import TransformationError, invalid

_HEX3 = re.compile(r"[0-9a-fA-F]{3}")
_HEX6 = re.compile(r"[0-9a-fA-F]{6}")
# ImageKit's 8-character form: 6 hex digits then two *decimal* digits of opacity (00-99).
_HEX6_OPACITY = re.compile(r"([0-9a-fA-F]{6})([0-9]{2})")


@dataclass(frozen=True)
class Colour:
    """An sRGB colour with 8-bit channels and an alpha in 0..255."""

    red: int
    green: int
    blue: int
    alpha: int = 255
    named: bool = False

    @property
    def rgb(self) -> list[float]:
        return [float(self.red), float(self.green), float(self.blue)]

    @property
    def rgba(self) -> list[float]:
        return [*self.rgb, float(self.alpha)]

    @property
    def has_opacity_digits(self) -> bool:
        return self.alpha != 255

    def canonical(self) -> str:
        """Stable text form used in cache keys."""
        text = f"{self.red:02x}{self.green:02x}{self.blue:02x}"
        return text if self.alpha == 255 else f"{text}a{self.alpha}"

    def with_alpha(self, alpha: int) -> Colour:
        return Colour(self.red, self.green, self.blue, alpha, self.named)


def _from_hex(digits: str) -> tuple[int, int, int]:
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def parse_colour(text: str, parameter: str) -> Colour:
    """Parse `RRGGBB`, `RGB`, `RRGGBBdd` (dd = opacity 00-99 %) or a CSS keyword."""
    name = COLOUR_NAMES.get(text.lower()) if text.isalpha() else None
    if name is not None:
        return Colour(*_from_hex(name), named=True)
    if _HEX6.fullmatch(text):
        return Colour(*_from_hex(text))
    if _HEX3.fullmatch(text):
        return Colour(*_from_hex("".join(c * 2 for c in text)))
    match = _HEX6_OPACITY.fullmatch(text)
    if match:
        opacity = int(match.group(2))
        return Colour(*_from_hex(match.group(1)), alpha=round(opacity * 255 / 100))
    raise invalid(f"'{parameter}' has an invalid colour '{text}'")


def is_colour(text: str) -> bool:
    """Whether ``text`` reads as a colour (used to split `b-<width>_<colour>`)."""
    try:
        parse_colour(text, "")
    except TransformationError:
        return False
    return True
