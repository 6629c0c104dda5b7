"""`imagekit-server import folder` against our own upload benchmark, side by side: the same
small JPEGs, the same concurrency, the same disk; and the import process's memory over time.

    .venv/bin/python bench/import_throughput.py                       # 10,000 JPEGs, c=8
    .venv/bin/python bench/import_throughput.py --files 2000 --concurrency 4

Uploads go to a running `imagekit-server serve` (SQLite + local blobs) as in
bench/upload_throughput.py (multipart, file part sent with sendfile from ``--concurrency``
threads); the import runs as `imagekit-server import folder --jobs <concurrency>` into a fresh
data directory on the same filesystem, timed from process start to exit. Throughput is files per
second; the two alternate for ``--rounds`` rounds and the best of each is reported. The import's
RSS is sampled every 50 ms: its value after the first tenth of the run and its peak show whether
memory stays flat as the file count grows.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyvips

from upload_throughput import rss_kb, start_server, upload_once


def make_jpegs(root: Path, count: int) -> list[Path]:
    """``count`` small distinct JPEGs (about 3-6 kB, 64-127 px wide) in 100 sub-folders."""
    paths = []
    for index in range(count):
        folder = root / f"d{index % 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        image = pyvips.Image.gaussnoise(64 + index % 64, 48, mean=128, sigma=40).cast("uchar")
        path = folder / f"p{index}.jpg"
        image.write_to_file(str(path), Q=80)
        paths.append(path)
    return paths


def upload_rate(base: str, paths: list[Path], concurrency: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda item: upload_once(base, item[1], item[0]), enumerate(paths)))
    return len(paths) / (time.perf_counter() - started)


def import_rate(
    source: Path, data_dir: Path, count: int, concurrency: int
) -> tuple[float, int, int]:
    """(files/s, RSS kB after a tenth of the run, peak RSS kB) of one import process."""
    command = [sys.executable, "-m", "imagekit_server.cli", "--data-dir", str(data_dir)]
    command += ["import", "folder", str(source), "--jobs", str(concurrency), "--quiet"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    samples: list[tuple[float, int]] = []
    while process.poll() is None:
        samples.append((time.perf_counter() - started, rss_kb(process.pid)))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        assert process.stderr is not None
        raise RuntimeError(f"import failed: {process.stderr.read().decode()[-500:]}")
    early = [rss for at, rss in samples if at >= elapsed / 10 and rss]
    return count / elapsed, (early[0] if early else 0), max(rss for _, rss in samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="where to work (default: tmp)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ik-import-bench-", dir=args.dir))
    source = work / "jpegs"
    paths = make_jpegs(source, args.files)
    megabytes = sum(path.stat().st_size for path in paths) / 1024 / 1024
    print(f"{args.files} JPEGs, {megabytes:.1f} MB, concurrency {args.concurrency}")
    process, base = start_server(work / "served", 10 * 1024 * 1024)
    uploads: list[float] = []
    imports: list[tuple[float, int, int]] = []
    try:
        upload_once(base, paths[0], -1)  # warm-up
        for round_number in range(args.rounds):
            uploads.append(upload_rate(base, paths, args.concurrency))
            target = work / f"imported-{round_number}"
            imports.append(import_rate(source, target, args.files, args.concurrency))
            shutil.rmtree(target)
            print(
                f"round {round_number + 1}: upload {uploads[-1]:.0f} files/s, "
                f"import {imports[-1][0]:.0f} files/s",
                flush=True,
            )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    best_upload = max(uploads)
    best_import, early_rss, peak_rss = max(imports)
    print("\n| files | concurrency | upload files/s | import files/s | import / upload |")
    print("|---|---|---|---|---|")
    print(
        f"| {args.files} | {args.concurrency} | {best_upload:.0f} | {best_import:.0f} "
        f"| {best_import / best_upload:.0%} |"
    )
    print(
        f"\nimport RSS: {early_rss / 1024:.0f} MB after a tenth of the run, "
        f"peak {peak_rss / 1024:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
