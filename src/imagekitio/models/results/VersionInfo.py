from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class VersionInfo(OpenResult):
    def __init__(self, id: Any = None, name: Any = None, **kwargs: Any) -> None:
        self.id = id
        self.name = name
        self._keep_extras(kwargs)
