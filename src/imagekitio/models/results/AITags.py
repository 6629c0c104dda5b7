from __future__ import annotations

from typing import Any

from ...result_base import OpenResult


class AITags(OpenResult):
    def __init__(
        self, name: Any = None, confidence: Any = None, source: Any = None, **kwargs: Any
    ) -> None:
        self.name = name
        self.confidence = confidence
        self.source = source
        self._keep_extras(kwargs)
