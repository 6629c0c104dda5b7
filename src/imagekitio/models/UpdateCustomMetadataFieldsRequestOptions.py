from __future__ import annotations

from typing import Any

from .CustomMetadataFieldsSchema import CustomMetadataFieldsSchema


class UpdateCustomMetadataFieldsRequestOptions:
    """Body of ``update_custom_metadata_fields``; ``label`` is always sent (null = unchanged)."""

    def __init__(
        self,
        label: str | None = None,
        schema: CustomMetadataFieldsSchema | dict[str, Any] | None = None,
    ) -> None:
        self.label = label
        parsed = CustomMetadataFieldsSchema.from_value(schema)
        if parsed is not None:
            self.schema = parsed
