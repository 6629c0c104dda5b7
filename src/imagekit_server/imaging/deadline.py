"""Abort libvips evaluations that run past the render deadline."""

from __future__ import annotations

import time
from typing import Any


def watch_deadline(image: Any, deadline: float) -> Any:
    """Make libvips stop computing ``image`` once ``deadline`` (monotonic) has passed.

    The evaluation then fails with a pyvips.Error, which ``render`` reports as ELIMIT.
    """

    def on_eval(evaluated: Any, progress: Any) -> None:
        if time.monotonic() > deadline:
            evaluated.set_kill(True)

    image.set_progress(True)
    image.signal_connect("eval", on_eval)
    return image
