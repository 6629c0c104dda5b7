"""Key case conversion between the API (camelCase) and Python (snake_case)."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

_BEFORE_CAPITALISED_WORD = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_THEN_UPPER = re.compile(r"([a-z0-9])([A-Z])")


def camel_to_snake(name: str) -> str:
    """``fileId`` -> ``file_id``, ``AITags`` -> ``ai_tags``, ``DPI`` -> ``dpi``."""
    spaced = _BEFORE_CAPITALISED_WORD.sub(r"\1_\2", name)
    return _LOWER_THEN_UPPER.sub(r"\1_\2", spaced).lower()


def snake_to_lower_camel(word: str) -> str:
    """``search_query`` -> ``searchQuery``; words after the first are ``str.title()``-d."""
    first, *rest = word.split("_")
    return first + "".join(part.title() for part in rest)


def request_formatter(data: Mapping[str, Any]) -> dict[str, Any]:
    """Convert the top-level keys of an options dict to the API's camelCase."""
    return {snake_to_lower_camel(key): value for key, value in data.items()}


def camel_dict_to_snake_dict(data: Mapping[str, Any]) -> dict[str, Any]:
    """Convert the top-level keys of a response dict to snake_case."""
    return {camel_to_snake(key): value for key, value in data.items()}


def flatten_dict(dict_list: Iterable[Mapping[str, Any]]) -> OrderedDict[str, Any]:
    """Merge a list of dicts into one; later dicts win."""
    flat: OrderedDict[str, Any] = OrderedDict()
    for item in dict_list:
        flat.update(item)
    return flat
