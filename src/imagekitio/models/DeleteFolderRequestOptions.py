from __future__ import annotations


class DeleteFolderRequestOptions:
    """Body of ``delete_folder``.

    Only arguments that are not None become attributes, and only attributes are sent.
    """

    def __init__(
        self,
        folder_path: str | None = None,
    ) -> None:
        if folder_path is not None:
            self.folder_path = folder_path
