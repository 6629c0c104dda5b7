from enum import Enum


class CustomMetaDataTypeEnum(Enum):
    """Custom metadata field types; the member *name* is what goes on the wire."""

    Text = 1
    Textarea = 2
    Number = 3
    Date = 4
    Boolean = 5
    SingleSelect = 6
    MultiSelect = 7
