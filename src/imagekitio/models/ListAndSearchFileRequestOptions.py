from __future__ import annotations


class ListAndSearchFileRequestOptions:
    """Query of ``list_files``; a list of ``tags`` is sent joined with ", ".

    Only arguments that are not None become attributes, and only attributes are sent.
    """

    def __init__(
        self,
        type: str | None = None,
        sort: str | None = None,
        path: str | None = None,
        search_query: str | None = None,
        file_type: str | None = None,
        limit: int | None = None,
        skip: int | None = None,
        tags: str | list[str] | None = None,
    ) -> None:
        if type is not None:
            self.type = type
        if sort is not None:
            self.sort = sort
        if path is not None:
            self.path = path
        if search_query is not None:
            self.search_query = search_query
        if file_type is not None:
            self.file_type = file_type
        if limit is not None:
            self.limit = limit
        if skip is not None:
            self.skip = skip
        if tags is not None:
            self.tags = tags
