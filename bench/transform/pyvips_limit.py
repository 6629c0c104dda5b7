"""The in-process limit: the server's decode, resize and encode calls for `w-400,q-80` on one
core, without the server around them.

Run as ``python -m bench.transform.pyvips_limit <image> <seconds>``; prints the images rendered
and the CPU seconds the rendering loop used (threads included, start-up excluded).
Same decode settings as the server: the header read and the JPEG decoded at the smallest DCT
scale that covers the target (1/8 for the 20 MP photo, 1/4 for the 2.3 MP one, as thumbor's
Pillow draft mode) by the server's own ``jpeg_header`` and ``decode_scaled`` (Pillow's
libjpeg-turbo), then ``thumbnail_image`` (lanczos3) to the exact size; libvips single-threaded
with its operation cache off, JPEG at Q 80 without chroma subsampling and without metadata.
The source bytes are read per image, as the server does.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pyvips

from imagekit_server.imaging.jpeg_decode import decode_scaled, jpeg_header


def render_once(path: Path) -> bytes:
    data = path.read_bytes()
    source_width, source_height, _ = jpeg_header(data) or (0, 0, 1)
    height = max(1, round(400 * source_height / source_width))
    shrink = next(
        (s for s in (8, 4, 2) if source_width // s >= 400 and source_height // s >= height), 1
    )
    shrunk = decode_scaled(data, shrink)
    assert shrunk is not None, "the benchmark photos are plain RGB JPEGs"
    image = shrunk.thumbnail_image(400, height=height, size="force")
    return bytes(image.jpegsave_buffer(Q=80, subsample_mode="off", keep="none"))


def main() -> None:
    path, seconds = Path(sys.argv[1]), float(sys.argv[2])
    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    render_once(path)
    count = 0
    started = resource.getrusage(resource.RUSAGE_SELF)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        render_once(path)
        count += 1
    ended = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ended.ru_utime - started.ru_utime) + (ended.ru_stime - started.ru_stime)
    print(count, cpu)


if __name__ == "__main__":
    main()
