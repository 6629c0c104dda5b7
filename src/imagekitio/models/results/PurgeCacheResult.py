from __future__ import annotations

from typing import Any

from ...result_base import ClosedResult
from .ResponseMetadata import ResponseMetadata


class PurgeCacheResult(ClosedResult):
    """Rejects keys other than ``request_id`` (4.x behaviour)."""

    def __init__(self, request_id: Any = None) -> None:
        self.request_id = request_id
        self.response_metadata = ResponseMetadata("", "", "")
