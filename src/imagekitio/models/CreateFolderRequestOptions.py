from __future__ import annotations


class CreateFolderRequestOptions:
    """Body of ``create_folder``.

    Only arguments that are not None become attributes, and only attributes are sent.
    """

    def __init__(
        self,
        folder_name: str | None = None,
        parent_folder_path: str | None = None,
    ) -> None:
        if folder_name is not None:
            self.folder_name = folder_name
        if parent_folder_path is not None:
            self.parent_folder_path = parent_folder_path
