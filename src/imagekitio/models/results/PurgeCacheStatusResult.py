from __future__ import annotations

from typing import Any

from ...result_base import ClosedResult
from .ResponseMetadata import ResponseMetadata


class PurgeCacheStatusResult(ClosedResult):
    """Rejects keys other than ``status`` (4.x behaviour)."""

    def __init__(self, status: Any = None) -> None:
        self.status = status
        self.response_metadata = ResponseMetadata("", "", "")
