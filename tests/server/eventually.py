"""Waiting for what a server does just after its response: a fresh variant reaches the derived
cache after it is answered (renditions/derived_writes.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T], timeout: float = 10.0) -> T:
    """``probe()`` as soon as it is truthy, else its value once ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not value and time.monotonic() < deadline:
        time.sleep(0.02)
        value = probe()
    return value
