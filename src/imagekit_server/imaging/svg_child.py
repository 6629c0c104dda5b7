"""Run as a script (``python -I svg_child.py SCALE MAX_PIXELS``) by ``svg_raster``: read an SVG
on stdin, write its raster on stdout as one JSON header line then raw 8-bit pixels.

It imports nothing of the server, so it starts fast; the parent kills it at the deadline
(librsvg cannot be interrupted, docs/security.md).
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    import pyvips

    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    scale, max_pixels = float(sys.argv[1]), int(sys.argv[2])
    data = sys.stdin.buffer.read()
    image = pyvips.Image.svgload_buffer(data, scale=scale)
    if image.width * image.height > max_pixels:
        sys.stderr.write(f"the SVG renders to {image.width}x{image.height} pixels\n")
        return 3
    image = image.cast("uchar")
    pixels = image.write_to_memory()
    header = {"width": image.width, "height": image.height, "bands": image.bands}
    sys.stdout.buffer.write(json.dumps(header).encode() + b"\n")
    sys.stdout.buffer.write(pixels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
