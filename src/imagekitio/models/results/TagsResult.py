from __future__ import annotations

from typing import Any

from ...result_base import OpenResult
from .ResponseMetadata import ResponseMetadata


class TagsResult(OpenResult):
    def __init__(
        self,
        successfully_updated_file_ids: Any = None,
        **kwargs: Any,
    ) -> None:
        self.successfully_updated_file_ids = successfully_updated_file_ids
        self.response_metadata = ResponseMetadata("", "", "")
        self._keep_extras(kwargs)
