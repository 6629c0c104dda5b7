from __future__ import annotations

from typing import Any

from .FileResult import FileResult
from .ResponseMetadata import ResponseMetadata


class FileResultWithResponseMetadata(FileResult):
    """A ``FileResult`` returned on its own, so it carries ``response_metadata``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response_metadata = ResponseMetadata("", "", "")
