from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class CustomMetadataSchema(OpenResult):
    def __init__(
        self,
        type: Any = None,
        select_options: Any = None,
        default_value: Any = None,
        is_value_required: Any = None,
        min_value: Any = None,
        max_value: Any = None,
        min_length: Any = None,
        max_length: Any = None,
        **kwargs: Any,
    ) -> None:
        self.type = type
        self.select_options = select_options
        self.default_value = default_value
        self.is_value_required = is_value_required
        self.min_value = min_value
        self.max_value = max_value
        self.min_length = min_length
        self.max_length = max_length
        self._keep_extras(kwargs)
