from __future__ import annotations

from typing import Any

from ...result_base import OpenResult
from .ResponseMetadata import ResponseMetadata


class GetBulkJobStatusResult(OpenResult):
    def __init__(
        self,
        job_id: Any = None,
        type: Any = None,
        status: Any = None,
        **kwargs: Any,
    ) -> None:
        self.job_id = job_id
        self.type = type
        self.status = status
        self.response_metadata = ResponseMetadata("", "", "")
        self._keep_extras(kwargs)
