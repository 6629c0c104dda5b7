from __future__ import annotations

from ...result_base import ClosedResult
from .FileResult import FileResult
from .ResponseMetadata import ResponseMetadata


class ListFileResult(ClosedResult):
    """``list`` holds one ``FileResult`` per item of the JSON array."""

    def __init__(self, list: list[FileResult] | None = None) -> None:
        self.list = list
        self.response_metadata = ResponseMetadata("", "", "")
