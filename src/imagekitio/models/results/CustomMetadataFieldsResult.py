from __future__ import annotations

from typing import Any

from ...result_base import OpenResult, nested_result
from .CustomMetadataSchema import CustomMetadataSchema


class CustomMetadataFieldsResult(OpenResult):
    def __init__(
        self,
        id: Any = None,
        name: Any = None,
        label: Any = None,
        schema: Any = None,
        **kwargs: Any,
    ) -> None:
        self.id = id
        self.name = name
        self.label = label
        self.schema = nested_result(CustomMetadataSchema, schema)
        self._keep_extras(kwargs)
