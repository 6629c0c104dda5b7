"""Shared behaviour of the result classes in ``imagekitio.models.results``.

4.x result objects are plain attribute bags. ``OpenResult`` keeps keys the class does not
name (``is_published``, ``folder_path``...) as attributes and reads any missing attribute as
``None``; ``ClosedResult`` does neither (purge, rename, list and metadata-only results).
"""

from __future__ import annotations

from typing import Any


class ClosedResult:
    """A result with a fixed set of attributes and a readable ``repr``."""

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={value!r}"
            for name, value in vars(self).items()
            if not name.startswith("_") and name != "response_metadata"
        )
        return f"{type(self).__name__}({fields})"

    __str__ = __repr__


class OpenResult(ClosedResult):
    """A result that accepts extra keys and answers ``None`` for attributes it lacks."""

    def _keep_extras(self, extras: dict[str, Any]) -> None:
        for name, value in extras.items():
            setattr(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only reached for missing attributes; dunders must stay missing for copy/pickle.
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def nested_result(cls: type[Any], value: Any) -> Any:
    """Build a nested result object from a camelCase dict; ``None``/``{}`` give an empty one."""
    if isinstance(value, cls):
        return value
    if not value:
        return cls()
    from .utils.formatter import camel_dict_to_snake_dict

    return cls(**camel_dict_to_snake_dict(value))
