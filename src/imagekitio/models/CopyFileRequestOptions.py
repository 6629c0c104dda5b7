from __future__ import annotations


class CopyFileRequestOptions:
    """Body of ``copy_file``.

    Only arguments that are not None become attributes, and only attributes are sent.
    """

    def __init__(
        self,
        source_file_path: str | None = None,
        destination_path: str | None = None,
        include_file_versions: bool | None = None,
    ) -> None:
        if source_file_path is not None:
            self.source_file_path = source_file_path
        if destination_path is not None:
            self.destination_path = destination_path
        if include_file_versions is not None:
            self.include_file_versions = include_file_versions
