"""CPU time of the server's JPEG decode at the DCT scale the `w-400` benchmark uses, with and
without the scan pruning of progressive files (imaging/jpeg_scans.py), side by side in one run.

    .venv/bin/python bench/jpeg_decode_scans.py            # 5 rounds, interleaved

Photos: the two Debian photographs (baseline: nothing to prune) and their progressive
re-encodings (bench/transform/photos.py). Each round times ``decode_scaled`` on every photo
pruned and unpruned, alternating, and checks both give the same pixels; the table shows the
median CPU ms per decode over the rounds; for the photos pruned (1/8 only), the share of the
file kept and the rewrite's own CPU ms (included in the pruned figure).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pyvips

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.transform.photos import photos, progressive_photos

from imagekit_server.imaging import jpeg_decode
from imagekit_server.imaging.jpeg_decode import decode_scaled, jpeg_header
from imagekit_server.imaging.jpeg_scans import dc_only_stream

REPEAT = 10


def shrink_for_400(data: bytes) -> int:
    """The DCT scale the server picks for `w-400` (as bench/transform/pyvips_limit.py)."""
    width, height, _ = jpeg_header(data) or (0, 0, 1)
    target = max(1, round(400 * height / width))
    return next((s for s in (8, 4, 2) if width // s >= 400 and height // s >= target), 1)


def cpu_ms(call: Callable[[], object], repeat: int = REPEAT) -> float:
    started = time.process_time()
    for _ in range(repeat):
        call()
    return (time.process_time() - started) * 1000 / repeat


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    pyvips.cache_set_max(0)
    baseline = photos()
    for path in baseline.values():  # the claim of the table: nothing to prune in these
        assert dc_only_stream(path.read_bytes()) is None, f"{path} is not baseline"
    sources = {**baseline, **progressive_photos()}
    times: dict[str, dict[str, list[float]]] = {name: {} for name in sources}
    for _ in range(rounds):
        for name, path in sources.items():
            data = path.read_bytes()
            shrink = shrink_for_400(data)
            for pruned in (False, True, False, True):
                jpeg_decode._PRUNE_SCANS = pruned
                key = "pruned" if pruned else "full"
                times[name].setdefault(key, []).append(cpu_ms(partial(decode_scaled, data, shrink)))
            times[name].setdefault("rewrite", []).append(cpu_ms(partial(dc_only_stream, data)))
            jpeg_decode._PRUNE_SCANS = True
            a = decode_scaled(data, shrink)
            jpeg_decode._PRUNE_SCANS = False
            b = decode_scaled(data, shrink)
            assert a is not None and b is not None and (a - b).abs().max() == 0
    print("| photo | bytes | scale | kept | full ms | pruned ms | rewrite ms | full / pruned |")
    print("|---|---|---|---|---|---|---|---|")
    for name, path in sources.items():
        data = path.read_bytes()
        shrink = shrink_for_400(data)
        kept = dc_only_stream(data) if shrink == 8 else None  # pruned at 1/8 only
        full, pruned = (statistics.median(times[name][k]) for k in ("full", "pruned"))
        rewrite = f"{statistics.median(times[name]['rewrite']):.2f}" if kept else "-"
        share = "-" if kept is None else f"{len(kept) / len(data):.0%}"
        print(
            f"| {name} | {len(data):,} | 1/{shrink} | {share} | {full:.1f} | "
            f"{pruned:.1f} | {rewrite} | {full / pruned:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
