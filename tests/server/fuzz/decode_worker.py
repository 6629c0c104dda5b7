"""Run as a child process by ``decoder_harness``: decode each input it is sent through every
path the server has (upload probe, metadata, pHash, embedded metadata, delivery render) and
answer how it went. A crash or a hang kills only this process, which the harness reports.

Protocol on stdin/stdout: a 4-byte big-endian length then the input; the answer is one JSON
line: {"outcome": "ok"} or {"outcome": "bug", "detail": "..."}.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import traceback
from pathlib import Path

from imagekit_server.imaging import Limits, TransformationError, parse_transformation, render
from imagekit_server.inspection import InspectionError, probe_file
from imagekit_server.inspection.embedded import read_embedded_metadata
from imagekit_server.inspection.metadata import read_metadata
from imagekit_server.inspection.phash import phash

MAX_PIXELS = 1_000_000
LIMITS = Limits(
    max_source_pixels=MAX_PIXELS,
    max_output_pixels=MAX_PIXELS,
    max_processing_seconds=5,
    allow_svg=True,
)
PLANS = [parse_transformation(text) for text in ("w-12,h-9", "bl-2,f-png", "orig-true")]


def decode_everywhere(data: bytes, directory: Path) -> None:
    """Raises only for a bug: anything but the documented refusals."""
    path = directory / "input"
    path.write_bytes(data)
    for inspect in (
        lambda: probe_file(path, "input.bin", max_pixels=MAX_PIXELS),
        lambda: read_metadata(path, max_pixels=MAX_PIXELS),
        lambda: phash(path, max_pixels=MAX_PIXELS),
    ):
        with contextlib.suppress(InspectionError):
            inspect()
    read_embedded_metadata(path)  # never raises
    for plan in PLANS:
        with contextlib.suppress(TransformationError):
            render(data, plan, accept="image/webp", limits=LIMITS)


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    with tempfile.TemporaryDirectory() as directory:
        while header := stdin.read(4):
            data = stdin.read(int.from_bytes(header, "big"))
            try:
                decode_everywhere(data, Path(directory))
                answer = {"outcome": "ok"}
            except Exception:
                answer = {"outcome": "bug", "detail": traceback.format_exc(limit=6)}
            stdout.write(json.dumps(answer).encode() + b"\n")
            stdout.flush()


if __name__ == "__main__":
    main()
