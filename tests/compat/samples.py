"""The images every conformance test uploads, written once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.server.media import solid_image, two_colour_png

PNG_SIZE = (80, 40)
JPEG_SIZE = (60, 30)
GREEN = (0, 200, 0)


@dataclass(frozen=True)
class SampleImages:
    png_path: Path
    """Left half red, right half blue, ``PNG_SIZE``."""
    jpeg_path: Path
    """Solid ``GREEN``, ``JPEG_SIZE``."""

    @classmethod
    def write(cls, directory: Path) -> SampleImages:
        images = cls(directory / "two-colour.png", directory / "green.jpg")
        images.png_path.write_bytes(two_colour_png(*PNG_SIZE))
        images.jpeg_path.write_bytes(solid_image(*JPEG_SIZE, GREEN, ".jpg"))
        return images
