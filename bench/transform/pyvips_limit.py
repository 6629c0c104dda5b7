"""The in-process limit: plain pyvips doing the server's work for `w-400,q-80` on one core.

Run as ``python -m bench.transform.pyvips_limit <image> <seconds>``; prints images rendered.
Same decode settings as the server: shrink-on-load through ``thumbnail_buffer`` to the exact
size, libvips single-threaded with its operation cache off, JPEG at Q 80 without chroma
subsampling and without metadata. The source bytes are read per image, as the server does.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyvips


def render_once(path: Path) -> bytes:
    data = path.read_bytes()
    header = pyvips.Image.new_from_buffer(data, "")
    height = max(1, round(400 * header.height / header.width))
    image = pyvips.Image.thumbnail_buffer(data, 400, height=height, size="force")
    return bytes(image.jpegsave_buffer(Q=80, subsample_mode="off", keep="none"))


def main() -> None:
    path, seconds = Path(sys.argv[1]), float(sys.argv[2])
    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    render_once(path)
    count = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        render_once(path)
        count += 1
    print(count)


if __name__ == "__main__":
    main()
