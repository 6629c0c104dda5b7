from __future__ import annotations


class MoveFolderRequestOptions:
    """Body of ``move_folder``.

    Only arguments that are not None become attributes, and only attributes are sent.
    """

    def __init__(
        self,
        source_folder_path: str | None = None,
        destination_path: str | None = None,
    ) -> None:
        if source_folder_path is not None:
            self.source_folder_path = source_folder_path
        if destination_path is not None:
            self.destination_path = destination_path
