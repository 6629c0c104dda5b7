"""Option names accepted by ``list_files`` (camelCase) and ``upload`` (snake_case)."""

VALID_FILE_OPTIONS = [
    "type",
    "sort",
    "path",
    "searchQuery",
    "fileType",
    "limit",
    "skip",
    "tags",
    "includeFolder",
]

VALID_FILE_DETAIL_OPTIONS = ["fileID"]

VALID_UPLOAD_OPTIONS = [
    "file",
    "file_name",
    "use_unique_file_name",
    "tags",
    "folder",
    "is_private_file",
    "custom_coordinates",
    "response_fields",
    "extensions",
    "webhook_url",
    "overwrite_file",
    "overwrite_ai_tags",
    "overwrite_tags",
    "overwrite_custom_metadata",
    "custom_metadata",
    "embedded_metadata",
    "transformation",
    "checks",
    "is_published",
]
