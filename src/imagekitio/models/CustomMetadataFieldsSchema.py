from __future__ import annotations

from typing import Any

from .CustomMetaDataTypeEnum import CustomMetaDataTypeEnum

_SCHEMA_KEYS = (
    "type",
    "select_options",
    "default_value",
    "is_value_required",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
)


class CustomMetadataFieldsSchema:
    """Schema of a custom metadata field; only arguments that are not None are sent.

    ``type`` is a ``CustomMetaDataTypeEnum`` member (its name is stored); a type name string
    such as ``"Number"`` is accepted too.
    """

    def __init__(
        self,
        type: CustomMetaDataTypeEnum | str | None = None,
        select_options: list[Any] | None = None,
        default_value: Any = None,
        is_value_required: bool | None = None,
        min_value: Any = None,
        max_value: Any = None,
        min_length: int | None = None,
        max_length: int | None = None,
    ) -> None:
        if type is not None:
            self.type = type.name if isinstance(type, CustomMetaDataTypeEnum) else str(type)
        if select_options is not None:
            self.select_options = select_options
        if default_value is not None:
            self.default_value = default_value
        if is_value_required is not None:
            self.is_value_required = is_value_required
        if min_value is not None:
            self.min_value = min_value
        if max_value is not None:
            self.max_value = max_value
        if min_length is not None:
            self.min_length = min_length
        if max_length is not None:
            self.max_length = max_length

    @classmethod
    def from_value(cls, value: Any) -> CustomMetadataFieldsSchema | None:
        """Accept a schema object or a dict with snake_case keys; ``None``/``{}`` mean no schema."""
        if value is None or value == {}:
            return None
        if isinstance(value, CustomMetadataFieldsSchema):
            return value
        if isinstance(value, dict):
            unknown = set(value) - set(_SCHEMA_KEYS)
            if unknown:
                raise ValueError(f"Unknown custom metadata schema keys: {sorted(unknown)}")
            return cls(**value)
        raise TypeError("schema must be a CustomMetadataFieldsSchema or a dict")
