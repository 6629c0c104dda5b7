"""Video benchmark, side by side in one run (docs/video.md, bench/README.md):

1. transcode: a 10 s 1080p30 H.264 + AAC source to 480p H.264 through the server's URL endpoint
   (``tr:h-480``; the request waits for the render) against the ``ffmpeg`` command line doing
   the same encode with the same settings (scale 854x480 bicubic, libx264 preset veryfast CRF
   23, yuv420p, AAC 48 kHz stereo, +faststart). Rounds alternate the two; the derived rendition
   is purged between rounds so every request renders. Ratio = ffmpeg time / server time.
2. thumbnail: ``<video>/ik-thumbnail.jpg?tr=so-30`` of a 40 s 1080p video, rendered anew each
   round (purged), and served from the cache; two sources: a keyframe every 250 frames (x264's
   default: up to 8 s to decode from the keyframe) and every 60 (2 s, as phones and streaming
   encoders write).
3. peak RSS of a render process (VmHWM, and sampled VmRSS) during the 1080p transcodes.

    .venv/bin/python bench/video.py [--rounds 5]

Sources are made by the ffmpeg command line (``testsrc2`` + a sine tone); ``ffmpeg`` comes from
``imageio-ffmpeg`` (dev extra). The server runs one process with the default two render
processes.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import imageio_ffmpeg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.transform.servers import ImagekitServer

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SAME_ENCODE = [
    "-vf", "scale=854:480:flags=bicubic", "-c:v", "libx264", "-preset", "veryfast",
    "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "48000", "-ac", "2",
    "-movflags", "+faststart",
]  # fmt: skip


def make_source(path: Path, seconds: int, keyint: int = 250) -> None:
    """testsrc2 at 1080p30 + a tone; ``keyint``: frames between keyframes (x264's default 250,
    or 60 = 2 s as phones and streaming encoders write)."""
    subprocess.run(
        [
            FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-movflags", "+faststart",
            "-x264-params", f"keyint={keyint}", str(path),
        ],
        check=True,
    )  # fmt: skip


def ffmpeg_transcode(source: Path, output: Path) -> float:
    began = time.perf_counter()
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-i", str(source)]
    subprocess.run([*command, *SAME_ENCODE, str(output)], check=True)
    return time.perf_counter() - began


def purge(server: ImagekitServer, data_dir: Path, name: str) -> None:
    response = requests.post(
        f"{server.base_url}/v1/files/purge",
        json={"url": f"{server.base_url}/demo/{name}"},
        auth=(server.private_key, ""),
        timeout=30,
    )
    response.raise_for_status()
    deadline = time.monotonic() + 30
    while any((data_dir / "blobs" / "derived").glob("*/*/v*")) and time.monotonic() < deadline:
        time.sleep(0.02)


def timed_get(url: str) -> tuple[float, requests.Response]:
    began = time.perf_counter()
    response = requests.get(url, timeout=600)
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.headers.get('ik-error')}")
    return elapsed, response


class WorkerMemory:
    """Samples the RSS of the server's render processes (children running multiprocessing's
    spawn entry point) and reads their peak (VmHWM) at the end."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.peak_sampled_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def workers(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                status = (entry / "status").read_text()
            except OSError:
                continue
            parent = next(line for line in status.splitlines() if line.startswith("PPid:"))
            if (
                b"multiprocessing" in cmdline
                and b"spawn_main" in cmdline
                and (int(parent.split()[1]) == self.server_pid)
            ):
                found.append(int(entry.name))
        return found

    def _field(self, pid: int, name: str) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(name + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            for pid in self.workers():
                self.peak_sampled_kb = max(self.peak_sampled_kb, self._field(pid, "VmRSS"))

    def stop(self) -> tuple[int, int]:
        """(sampled peak, largest VmHWM) in KiB."""
        hwm = max((self._field(pid, "VmHWM") for pid in self.workers()), default=0)
        self._stop.set()
        self._thread.join()
        return self.peak_sampled_kb, hwm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--thumbnails-only", action="store_true", help="skip the transcode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ik-video-bench-") as scratch:
        work = Path(scratch)
        short, long = work / "source-10s.mp4", work / "source-40s.mp4"
        gop2 = work / "source-40s-gop2s.mp4"
        make_source(short, 10)
        make_source(long, 40)
        make_source(gop2, 40, keyint=60)
        env = {"IMAGEKIT_MAX_UPLOAD_BYTES": str(1 << 30), "IMAGEKIT_VIDEO_WAIT": "600"}
        server = ImagekitServer(work, workers=1, render_workers=1, cache=True, extra_env=env)
        data_dir = work / f"imagekit-{server.port}"
        try:
            server.upload(short.name, short.read_bytes())
            server.upload(long.name, long.read_bytes())
            server.upload(gop2.name, gop2.read_bytes())
            if not args.thumbnails_only:
                run(server, data_dir, short, args.rounds, work)
            thumbnails(server, data_dir, [long, gop2], args.rounds, work)
        finally:
            server.stop()


def run(
    server: ImagekitServer,
    data_dir: Path,
    short: Path,
    rounds: int,
    work: Path,
) -> None:
    transcode_url = f"{server.base_url}/demo/tr:h-480/{short.name}"
    timed_get(transcode_url)  # warm-up: starts the render processes
    purge(server, data_dir, short.name)
    memory = WorkerMemory(server.process.pid)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        theirs.append(ffmpeg_transcode(short, work / "ffmpeg-480.mp4"))
        elapsed, response = timed_get(transcode_url)
        ours.append(elapsed)
        purge(server, data_dir, short.name)
    sampled_kb, hwm_kb = memory.stop()
    sizes = (len(response.content), (work / "ffmpeg-480.mp4").stat().st_size)
    report(ours, theirs, sampled_kb, hwm_kb, sizes)


def ffmpeg_thumbnail(source: Path, output: Path) -> float:
    """ffmpeg's exact seek (``-ss`` before ``-i``: keyframe, then decode to the time), one JPEG."""
    began = time.perf_counter()
    subprocess.run(
        [
            FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-ss", "30", "-i", str(source),
            "-frames:v", "1", "-q:v", "3", str(output),
        ],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - began


def thumbnails(
    server: ImagekitServer, data_dir: Path, longs: list[Path], rounds: int, work: Path
) -> None:
    """Rendered thumbnails at 30 s, interleaved with ffmpeg's own exact seek to the same frame."""
    for long in longs:
        thumbnail_url = f"{server.base_url}/demo/{long.name}/ik-thumbnail.jpg?tr=so-30"
        purge(server, data_dir, long.name)
        timed_get(thumbnail_url)  # warm-up: a render process and the file's pages
        cold: list[float] = []
        theirs: list[float] = []
        for _ in range(rounds):
            purge(server, data_dir, long.name)
            elapsed, picture = timed_get(thumbnail_url)
            cold.append(elapsed)
            theirs.append(ffmpeg_thumbnail(long, work / "ffmpeg-thumbnail.jpg"))
        hits = [timed_get(thumbnail_url)[0] for _ in range(rounds)]
        ratios = [t / o for t, o in zip(theirs, cold, strict=True)]
        print(
            f"thumbnail at 30 s of {long.name} (1080p), rendered (ms): "
            f"{' '.join(f'{x * 1000:.0f}' for x in cold)}  median "
            f"{statistics.median(cold) * 1000:.0f}  (target < 300); "
            f"{len(picture.content):,} bytes; cache hit median "
            f"{statistics.median(hits) * 1000:.1f} ms\n"
            f"  ffmpeg -ss 30 -frames:v 1 (ms): {' '.join(f'{x * 1000:.0f}' for x in theirs)}"
            f"  median {statistics.median(theirs) * 1000:.0f}; ratio ffmpeg / server "
            f"{' '.join(f'{r:.2f}' for r in ratios)}  median {statistics.median(ratios):.2f}"
        )


def report(
    ours: list[float],
    theirs: list[float],
    sampled_kb: int,
    hwm_kb: int,
    sizes: tuple[int, int],
) -> None:
    ratios = [t / o for t, o in zip(theirs, ours, strict=True)]
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}"
    )
    print(f"ffmpeg: {FFMPEG}")
    print("transcode 10 s 1080p -> 480p H.264 (seconds, per round):")
    print(f"  server : {' '.join(f'{x:.2f}' for x in ours)}  median {statistics.median(ours):.2f}")
    print(
        f"  ffmpeg : {' '.join(f'{x:.2f}' for x in theirs)}  median {statistics.median(theirs):.2f}"
    )
    print(
        f"  ratio ffmpeg/server per round: {' '.join(f'{r:.2f}' for r in ratios)}  "
        f"median {statistics.median(ratios):.2f}  best {max(ratios):.2f}  (target >= 0.9)"
    )
    print(f"  output bytes: server {sizes[0]:,}  ffmpeg {sizes[1]:,}")
    print(
        f"render process peak RSS during 1080p transcodes: VmHWM {hwm_kb / 1024:.0f} MiB, "
        f"sampled VmRSS {sampled_kb / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
