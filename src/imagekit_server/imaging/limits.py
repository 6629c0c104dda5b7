"""Resource limits checked before and while an image is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from imagekit_server.imaging.errors import limit_exceeded


@dataclass(frozen=True)
class Limits:
    """Ceilings for one render; defaults follow ImageKit's documented limits."""

    max_source_bytes: int = 40 * 1024 * 1024
    max_source_pixels: int = 100_000_000
    max_output_pixels: int = 100_000_000
    max_output_dimension: int = 65_535
    # nesting depth is fixed at 3 by the syntax (docs/reference/layers.md §1.1)
    max_layers: int = 20
    # The work a URL may ask for, checked before decoding (workload.py, docs/security.md).
    max_chain_steps: int = 50
    max_effects: int = 100
    max_step_effects: int = 12
    max_render_cost: float = 5000.0  # megapixels x work units
    max_processing_seconds: float = 30.0
    max_shadow_pixels: int = 2_000_000
    max_vector_bytes: int = 5 * 1024 * 1024
    max_svg_elements: int = 20_000  # after <use> expansion (svg_raster.py)
    allow_svg: bool = False
    allow_pdf: bool = False
    # Where text layers' custom fonts are written for fontconfig; the server's is under its data
    # dir. None: custom fonts are refused (nothing is ever written to a shared temp dir).
    font_directory: Path | None = None
    # The YOLO ONNX model `fo-<object>` detects with (objects.py); None: object focus refused.
    object_model: Path | None = None

    def check_output_size(self, width: int, height: int) -> None:
        """Refuse an image of ``width`` x ``height`` before it is allocated."""
        if width > self.max_output_dimension or height > self.max_output_dimension:
            raise limit_exceeded(
                f"output {width}x{height} exceeds {self.max_output_dimension} px per side"
            )
        if width * height > self.max_output_pixels:
            raise limit_exceeded(f"output {width}x{height} exceeds {self.max_output_pixels} pixels")

    def check_source_size(self, width: int, height: int, pages: int = 1) -> None:
        """Refuse a source whose header announces too many pixels."""
        if width * height * max(pages, 1) > self.max_source_pixels:
            raise limit_exceeded(f"source {width}x{height} exceeds {self.max_source_pixels} pixels")
