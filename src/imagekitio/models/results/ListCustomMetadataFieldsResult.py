from __future__ import annotations

from ...result_base import ClosedResult
from .CustomMetadataFieldsResult import CustomMetadataFieldsResult
from .ResponseMetadata import ResponseMetadata


class ListCustomMetadataFieldsResult(ClosedResult):
    def __init__(self, list: list[CustomMetadataFieldsResult] | None = None) -> None:
        self.list = list
        self.response_metadata = ResponseMetadata("", "", "")
