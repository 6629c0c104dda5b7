"""Bytes against perceptual quality: our JPEG, WebP and AVIF encoder settings next to thumbor's
and imgproxy's defaults, compared at equal SSIMULACRA2.

    .venv/bin/python bench/bytes_quality.py                 # every image, width and format
    .venv/bin/python bench/bytes_quality.py --formats jpeg --widths 400 --timing
    .venv/bin/python bench/bytes_quality.py --render

Each test image is resized (lanczos3) to each width and kept in memory as 8-bit sRGB: that is
the lossless reference. Each output is decoded and scored with SSIMULACRA2 (the `ssimulacra2`
package: 90 is visually lossless, 70 high quality, 50 medium) against the reference. The table
gives every configuration's bytes and score at its default quality; then, for each peer's
default output, the bytes each of our configurations needs for the same score: the quality is
bisected to the lowest integer reaching that score and the bytes interpolated between it and the
quality below ("ours / peer" below 1.00: smaller at equal quality). `--timing` adds the median
encode time of each configuration at its default quality; `--render` times whole uncached
`w-400,q-80` renders with the previous and the new JPEG defaults instead. Images:
tests/data/astronaut.jpg (320 px, used as is) and two generated photo-like scenes (seeded 1/f
noise in Lab with hard-edged objects and sensor grain, 2400 x 1600), so nothing is downloaded.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyvips
from PIL import Image
from ssimulacra2 import compute_ssimulacra2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from imagekit_server.imaging import Limits, parse_transformation, render
from imagekit_server.imaging.encode import OutputDefaults, encode
from imagekit_server.imaging.plan import OutputOptions

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    name: str
    format: str
    default_quality: int
    encode: Callable[[Any, int], bytes]
    peer: bool = False  # a peer's default (a row of the table), not one of ours


def _pillow(image: Any, fmt: str, **options: Any) -> bytes:
    picture = Image.frombuffer("RGB", (image.width, image.height), image.write_to_memory())
    output = io.BytesIO()
    picture.save(output, fmt, **options)
    return output.getvalue()


def _server(defaults: OutputDefaults, fmt: str, progressive: bool = False) -> Callable[..., bytes]:
    """The server's own `encode()` with these account defaults and `q-<q>`."""

    def run(image: Any, quality: int) -> bytes:
        options = OutputOptions(quality=quality, progressive=progressive)
        return encode(image, fmt, options, defaults)

    return run


def _mozjpeg(subsample: bool, progressive: bool, trellis: bool = True) -> Callable[..., bytes]:
    def run(image: Any, quality: int) -> bytes:
        return bytes(
            image.jpegsave_buffer(
                Q=quality,
                keep="none",
                subsample_mode="auto" if subsample else "off",
                trellis_quant=trellis,
                overshoot_deringing=trellis,
                quant_table=3,
                interlace=progressive,
                optimize_scans=progressive and trellis,
                optimize_coding=True,
            )
        )

    return run


def _pillow_jpeg(subsampling: int, progressive: bool, optimize: bool) -> Callable[..., bytes]:
    def run(image: Any, quality: int) -> bytes:
        return _pillow(
            image,
            "JPEG",
            quality=quality,
            subsampling=subsampling,
            progressive=progressive,
            optimize=optimize,
        )

    return run


def configs() -> list[Config]:
    server = OutputDefaults()
    ikit = OutputDefaults(chroma_subsampling=False)
    return [
        # JPEG
        Config("ours (server defaults)", "jpeg", 80, _server(server, "jpeg")),
        Config("ours, pr-true", "jpeg", 80, _server(server, "jpeg", progressive=True)),
        Config("ours, 4:4:4 (chroma off)", "jpeg", 80, _server(ikit, "jpeg")),
        Config("before: 4:4:4 Annex K", "jpeg", 80, _pillow_jpeg(0, False, False)),
        Config("4:2:0 Annex K, Huffman-opt", "jpeg", 80, _pillow_jpeg(2, False, True)),
        Config("mozjpeg 4:2:0 trellis prog", "jpeg", 80, _mozjpeg(True, True)),
        # thumbor 7 (Pillow engine): QUALITY 80, optimize, PROGRESSIVE_JPEG on, Pillow's 4:2:0.
        Config("thumbor", "jpeg", 80, _pillow_jpeg(2, True, True), peer=True),
        # imgproxy 3 (libvips): IMGPROXY_QUALITY 80, baseline, libvips' 4:2:0, no trellis.
        Config(
            "imgproxy",
            "jpeg",
            80,
            lambda image, q: bytes(image.jpegsave_buffer(Q=q, keep="none", optimize_coding=True)),
            peer=True,
        ),
        # WebP
        Config("ours (server defaults)", "webp", 80, _server(server, "webp")),
        Config("webp smart_subsample", "webp", 80, _webp(4, smart=True)),
        Config("webp effort 6", "webp", 80, _webp(6)),
        # thumbor: Pillow's WebP at QUALITY 80, method 4 (Pillow's default).
        Config(
            "thumbor", "webp", 80, lambda image, q: _pillow(image, "WEBP", quality=q), peer=True
        ),
        # imgproxy: IMGPROXY_FORMAT_QUALITY webp=79, IMGPROXY_WEBP_EFFORT 4.
        Config("imgproxy", "webp", 79, _webp(4), peer=True),
        # AVIF
        Config("ours (server defaults)", "avif", 80, _server(server, "avif")),
        Config("effort 2 (before)", "avif", 80, _avif(2)),
        Config("avif effort 4", "avif", 80, _avif(4)),
        # thumbor: Pillow's AVIF plugin at QUALITY 80, its default speed 6.
        Config(
            "thumbor", "avif", 80, lambda image, q: _pillow(image, "AVIF", quality=q), peer=True
        ),
        # imgproxy: IMGPROXY_FORMAT_QUALITY avif=63, IMGPROXY_AVIF_SPEED 8 (libvips effort 1).
        Config("imgproxy", "avif", 63, _avif(1), peer=True),
    ]


def _webp(effort: int, smart: bool = False) -> Callable[[Any, int], bytes]:
    def run(image: Any, quality: int) -> bytes:
        return bytes(
            image.webpsave_buffer(Q=quality, effort=effort, smart_subsample=smart, keep="none")
        )

    return run


def _avif(effort: int) -> Callable[[Any, int], bytes]:
    def run(image: Any, quality: int) -> bytes:
        return bytes(
            image.heifsave_buffer(compression="av1", Q=quality, effort=effort, keep="none")
        )

    return run


def _scene(seed: int, width: int = 2400, height: int = 1600) -> Any:
    """A photo-like scene: 1/f noise in Lab (smooth areas, texture at every scale), a few
    hard-edged objects, and sensor grain. Seeded, so every run scores the same pixels."""
    rng = np.random.default_rng(seed)

    def pink(exponent: float) -> np.ndarray[Any, Any]:
        fy = np.fft.fftfreq(height)[:, None]
        fx = np.fft.rfftfreq(width)[None, :]
        radius = np.hypot(fx, fy)
        radius[0, 0] = 1.0
        spectrum = rng.normal(size=radius.shape) + 1j * rng.normal(size=radius.shape)
        field = np.fft.irfft2(spectrum / radius**exponent, s=(height, width))
        return np.asarray((field - field.mean()) / field.std())

    lightness = np.clip(55 + 18 * pink(1.1), 2, 98)
    a = 12 * pink(1.6) + 4
    b = 18 * pink(1.5) + 12
    lab = np.stack([lightness, a, b], axis=2).astype(np.float32)
    for _ in range(12):  # objects: flat-ish rectangles with sharp borders
        x, y = int(rng.integers(0, width - 200)), int(rng.integers(0, height - 200))
        w, h = int(rng.integers(40, 400)), int(rng.integers(40, 400))
        lab[y : y + h, x : x + w] = [
            rng.uniform(20, 90),
            rng.uniform(-40, 40),
            rng.uniform(-40, 60),
        ]
    image = pyvips.Image.new_from_array(lab, interpretation="lab").colourspace("srgb")
    grain = pyvips.Image.new_from_array(rng.normal(0, 3, size=(height, width)).astype(np.float32))
    return (image + grain).cast("uchar").copy(interpretation="srgb").copy_memory()


def images(widths: list[int], scenes: int) -> list[tuple[str, Any]]:
    """(label, reference) pairs: each source resized losslessly to each width."""
    references = []
    astronaut = pyvips.Image.new_from_file(str(ROOT / "tests/data/astronaut.jpg"))
    references.append((f"astronaut {astronaut.width}px", astronaut.copy_memory()))
    for seed in range(1, scenes + 1):
        source = _scene(seed)
        for width in widths:
            resized = source.thumbnail_image(width).cast("uchar").copy_memory()
            references.append((f"scene{seed} {width}px", resized))
    return references


def _png(image: Any) -> io.BytesIO:
    return io.BytesIO(bytes(image.pngsave_buffer(compression=1)))


def score(reference: Any, encoded: bytes) -> float:
    decoded = pyvips.Image.new_from_buffer(encoded, "").colourspace("srgb")
    if decoded.hasalpha():
        decoded = decoded.flatten()
    return float(compute_ssimulacra2(_png(reference), _png(decoded.cast("uchar"))))


class Curve:
    """One configuration on one reference: (bytes, score) per integer quality, computed once."""

    def __init__(self, config: Config, reference: Any) -> None:
        self.config, self.reference = config, reference
        self.points: dict[int, tuple[int, float]] = {}

    def at(self, quality: int) -> tuple[int, float]:
        if quality not in self.points:
            encoded = self.config.encode(self.reference, quality)
            self.points[quality] = (len(encoded), score(self.reference, encoded))
        return self.points[quality]

    def bytes_for(self, target: float) -> float | None:
        """Bytes at score `target`: bisect for the lowest quality reaching it, then interpolate
        between it and the quality below; None when even quality 100 falls short."""
        low, high = 1, 100
        if self.at(high)[1] < target:
            return None
        if self.at(low)[1] >= target:
            return float(self.at(low)[0])
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if self.at(middle)[1] < target else (low, middle)
        # Scores are not quite monotonic in quality (WebP's q 81 can score below its q 80):
        # a few qualities below the crossing may already reach the target.
        high = next((q for q in range(max(1, high - 4), high) if self.at(q)[1] >= target), high)
        low = high - 1
        (b0, s0), (b1, s1) = self.at(low), self.at(high)
        return b0 + (b1 - b0) * (target - s0) / (s1 - s0) if s1 > s0 else float(b1)


def encode_ms(config: Config, image: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        config.encode(image, config.default_quality)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def render_timing(rounds: int, renders: int) -> None:
    """CPU ms per uncached `w-400,q-80` render (the server's render(), JPEG out) of a generated
    1920 x 1200 JPEG, ImageKit's 4:4:4 without Huffman optimisation against the new defaults,
    alternating round by round (the quantisation table costs nothing: same encoder)."""
    source = bytes(_scene(3, 1920, 1200).jpegsave_buffer(Q=90, keep="none"))
    plan = parse_transformation("w-400,q-80,f-jpg")
    variants = {
        "4:4:4, standard Huffman (before)": OutputDefaults(
            chroma_subsampling=False, optimize_jpeg_coding=False
        ),
        "4:2:0, optimised Huffman (new default)": OutputDefaults(),
    }
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, defaults in variants.items():
            started = time.process_time()
            for _ in range(renders):
                render(source, plan, accept=None, limits=Limits(), defaults=defaults)
            elapsed = (time.process_time() - started) * 1000 / renders
            best[name] = min(best.get(name, elapsed), elapsed)
    for name, value in best.items():
        print(f"| {name} | {value:.2f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[400, 1200])
    parser.add_argument("--scenes", type=int, default=2, help="generated scenes (0-2)")
    parser.add_argument("--formats", nargs="+", default=["jpeg", "webp", "avif"])
    parser.add_argument("--timing", action="store_true", help="median encode ms at default q")
    parser.add_argument("--repeats", type=int, default=15, help="encodes per timing")
    parser.add_argument("--render", action="store_true", help="only time whole renders")
    args = parser.parse_args()
    if args.render:
        render_timing(rounds=9, renders=40)
        return
    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    chosen = [c for c in configs() if c.format in args.formats]
    for label, reference in images(args.widths, args.scenes):
        print(f"\n## {label} ({reference.width}x{reference.height})\n")
        curves = {f"{c.format} {c.name}": Curve(c, reference) for c in chosen}
        ours = [c for c in chosen if not c.peer]
        print("| format | config | q | bytes | SSIMULACRA2 | encode ms |")
        print("|---|---|---|---|---|---|")
        for config in chosen:
            size, value = curves[f"{config.format} {config.name}"].at(config.default_quality)
            timing = f"{encode_ms(config, reference, args.repeats):.2f}" if args.timing else ""
            print(
                f"| {config.format} | {config.name} | {config.default_quality} | {size:,} "
                f"| {value:.1f} | {timing} |"
            )
        print("\nBytes our configurations need for each peer's score, as a ratio to the peer's:\n")
        for peer in (c for c in chosen if c.peer):
            size, value = curves[f"{peer.format} {peer.name}"].at(peer.default_quality)
            cells = []
            for config in (c for c in ours if c.format == peer.format):
                needed = curves[f"{config.format} {config.name}"].bytes_for(value)
                cells.append(
                    f"{config.name} " + ("-" if needed is None else f"{needed / size:.2f}")
                )
            print(f"- {peer.format} {peer.name} ({value:.1f}): " + "; ".join(cells))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
