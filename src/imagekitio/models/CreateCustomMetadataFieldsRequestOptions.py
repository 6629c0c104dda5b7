from __future__ import annotations

from typing import Any

from .CustomMetadataFieldsSchema import CustomMetadataFieldsSchema


class CreateCustomMetadataFieldsRequestOptions:
    """Body of ``create_custom_metadata_fields``; ``name`` and ``label`` are always sent."""

    def __init__(
        self,
        name: str | None = None,
        label: str | None = None,
        schema: CustomMetadataFieldsSchema | dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.label = label
        parsed = CustomMetadataFieldsSchema.from_value(schema)
        if parsed is not None:
            self.schema = parsed
