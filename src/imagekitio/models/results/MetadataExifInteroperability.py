from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class MetadataExifInteroperability(OpenResult):
    def __init__(
        self,
        interop_index: Any = None,
        interop_version: Any = None,
        **kwargs: Any,
    ) -> None:
        self.interop_index = interop_index
        self.interop_version = interop_version
        self._keep_extras(kwargs)
