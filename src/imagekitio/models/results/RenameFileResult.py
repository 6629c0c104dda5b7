from __future__ import annotations

from typing import Any

from ...result_base import ClosedResult
from .ResponseMetadata import ResponseMetadata


class RenameFileResult(ClosedResult):
    """Rejects keys other than ``purge_request_id`` (4.x behaviour)."""

    def __init__(self, purge_request_id: Any = None) -> None:
        self.purge_request_id = purge_request_id
        self.response_metadata = ResponseMetadata("", "", "")
