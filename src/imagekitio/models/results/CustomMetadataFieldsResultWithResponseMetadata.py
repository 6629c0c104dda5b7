from __future__ import annotations

from typing import Any

from .CustomMetadataFieldsResult import CustomMetadataFieldsResult
from .ResponseMetadata import ResponseMetadata


class CustomMetadataFieldsResultWithResponseMetadata(CustomMetadataFieldsResult):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response_metadata = ResponseMetadata("", "", "")
