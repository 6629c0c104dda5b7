"""Where the CPU of one `w-400,q-80` render goes, step by step, in-process: the header, the
Pillow decode at the DCT scale, the hand-off of its pixels to libvips (``tobytes`` and
``new_from_memory``), lanczos3 to 400 px, and the JPEG encode (Pillow's libjpeg-turbo).

    .venv/bin/python -m bench.transform.render_split <image> [repeats]

Same calls and settings as bench/transform/pyvips_limit.py; each step's CPU ms per image is the
median over the repeats, timed on its own (the pixels of earlier steps prepared beforehand).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyvips
from bench.transform.pyvips_limit import DEFAULTS, render_once
from PIL import Image

from imagekit_server.imaging.jpeg_decode import jpeg_header
from imagekit_server.imaging.jpeg_encode import encode_jpeg


def cpu_ms(call: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.process_time()
        call()
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    path, repeats = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 50
    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    data = path.read_bytes()
    width, height, _ = jpeg_header(data) or (0, 0, 1)
    target = max(1, round(400 * height / width))
    shrink = next((s for s in (8, 4, 2) if width // s >= 400 and height // s >= target), 1)

    def decode() -> Image.Image:
        picture = Image.open(io.BytesIO(data), formats=("JPEG",))
        picture.draft(picture.mode, (width // shrink, height // shrink))
        picture.load()
        return picture

    picture = decode()
    raw = picture.tobytes()

    def hand_off() -> object:
        pixels = picture.tobytes()
        return pyvips.Image.new_from_memory(pixels, picture.width, picture.height, 3, "uchar")

    def resized() -> object:
        image = pyvips.Image.new_from_memory(raw, picture.width, picture.height, 3, "uchar")
        return image.copy(interpretation="srgb").thumbnail_image(400, height=target, size="force")

    small = pyvips.Image.new_from_memory(
        bytes(resized().write_to_memory()),  # type: ignore[attr-defined]
        400,
        target,
        3,
        "uchar",
    ).copy(interpretation="srgb")
    steps: dict[str, Callable[[], object]] = {
        "header": lambda: jpeg_header(data),
        f"decode at 1/{shrink}": decode,
        "hand-off (tobytes, new_from_memory)": hand_off,
        "lanczos3 to 400 px (computed)": lambda: resized().write_to_memory(),  # type: ignore[attr-defined]
        "encode (Q 80, 4:2:0, optimised Huffman)": lambda: encode_jpeg(
            small, quality=80, progressive=False, optimize=DEFAULTS.optimize_jpeg_coding,
            subsample=True
        ),
        "whole render (pyvips_limit.render_once)": lambda: render_once(path, True),
    }  # fmt: skip
    for name, step in steps.items():
        print(f"| {path.name} | {name} | {cpu_ms(step, repeats):.2f} |")


if __name__ == "__main__":
    main()
