from __future__ import annotations


class RenameFileRequestOptions:
    """Body of ``rename_file``.

    Only arguments that are not None become attributes, and only attributes are sent.
    """

    def __init__(
        self,
        file_path: str | None = None,
        new_file_name: str | None = None,
        purge_cache: bool | None = None,
    ) -> None:
        if file_path is not None:
            self.file_path = file_path
        if new_file_name is not None:
            self.new_file_name = new_file_name
        if purge_cache is not None:
            self.purge_cache = purge_cache
