from __future__ import annotations

from ...result_base import ClosedResult
from .ResponseMetadata import ResponseMetadata


class ResponseMetadataResult(ClosedResult):
    """Result of calls whose success carries no data (204, create folder)."""

    def __init__(self) -> None:
        self.response_metadata = ResponseMetadata("", "", "")

    def __repr__(self) -> str:
        return f"ResponseMetadataResult(response_metadata={self.response_metadata!r})"

    __str__ = __repr__
