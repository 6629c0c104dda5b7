from __future__ import annotations

from typing import Any


class UpdateFileRequestOptions:
    """JSON body of ``update_file_details`` (``publish`` excludes every other field).

    Only arguments that are not None become attributes, and only attributes are sent;
    ``publish`` is stored first so that the body order matches 4.x.
    """

    def __init__(
        self,
        remove_ai_tags: list[str] | str | None = None,
        webhook_url: str | None = None,
        extensions: Any | None = None,
        tags: list[str] | None = None,
        custom_coordinates: str | None = None,
        custom_metadata: dict[str, Any] | None = None,
        publish: dict[str, Any] | None = None,
    ) -> None:
        if publish is not None:
            self.publish = publish
        if remove_ai_tags is not None:
            self.remove_ai_tags = remove_ai_tags
        if webhook_url is not None:
            self.webhook_url = webhook_url
        if extensions is not None:
            self.extensions = extensions
        if tags is not None:
            self.tags = tags
        if custom_coordinates is not None:
            self.custom_coordinates = custom_coordinates
        if custom_metadata is not None:
            self.custom_metadata = custom_metadata
