"""Time the exact thumbnail frame at 30 s of a 1080p H.264 video (a keyframe every 250 frames,
x264's default) as a render process finds it: open, ``video/frames.py`` ``frame_at``, convert
to RGB. Run here and on the lent 16-core machine (bench/device/README.md) to see what the
machine's cores do to the issue's < 300 ms target. Usage: thumbnail16.py VIDEO [ROUNDS]."""

from __future__ import annotations

import os
import statistics
import sys
import time

import av


def _frame_at():  # type: ignore[no-untyped-def]
    """``video/frames.py``'s ``frame_at``; where pyvips is not carried (the lent machine), its
    package ``imaging`` cannot load, so its errors module is loaded alone (it imports nothing)."""
    try:
        from imagekit_server.video.frames import frame_at
    except ModuleNotFoundError:
        import importlib.util
        import types

        src = os.path.join(os.path.dirname(__file__), "..", "..", "src", "imagekit_server")
        sys.modules["imagekit_server.imaging"] = types.ModuleType("imagekit_server.imaging")
        for name, path in (("imaging.errors", "imaging/errors.py"), ("video.frames", "video/frames.py")):
            spec = importlib.util.spec_from_file_location(f"imagekit_server.{name}", f"{src}/{path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
        frame_at = sys.modules["imagekit_server.video.frames"].frame_at
    return frame_at


def main() -> None:
    frame_at = _frame_at()
    source = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    took = []
    for _ in range(rounds):
        began = time.perf_counter()
        with av.open(source) as inp:
            frame = frame_at(inp, 30.0, time.monotonic() + 60)
            frame.reformat(format="rgb24")
        took.append((time.perf_counter() - began) * 1000)
    print(
        f"{len(os.sched_getaffinity(0))} cores: frame at 30 s (ms) "
        f"{' '.join(f'{t:.0f}' for t in took)}; median {statistics.median(took):.0f}, "
        f"best {min(took):.0f} (target < 300)"
    )


if __name__ == "__main__":
    main()
