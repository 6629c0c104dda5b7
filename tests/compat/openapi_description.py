"""ImageKit's published OpenAPI description, loaded as schemathesis operations by label."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.core.result import Err
from schemathesis.schemas import APIOperation, BaseSchema

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "imagekit-openapi-v1.yaml"
Operation = APIOperation[Any, Any, Any, Any]


def operations_of(schema: BaseSchema) -> dict[str, Operation]:
    """Every operation by label, e.g. ``"GET /v1/files"``; an unreadable one raises."""
    operations: dict[str, Operation] = {}
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations[result.ok().label] = result.ok()
    return operations


def load_operations(path: Path = SPEC_PATH) -> dict[str, Operation]:
    """The description as published (for generating requests)."""
    return operations_of(schemathesis.openapi.from_path(path))


def load_operations_for_responses(path: Path = SPEC_PATH) -> dict[str, Operation]:
    """The description with every ``oneOf`` read as ``anyOf`` (for judging responses).

    The published response schemas pair a typed branch with an ``anyOf: [{}, null]`` branch
    under ``oneOf`` (for example ``tags``); ``{}`` matches everything, so any non-null value
    matches both branches and ``oneOf`` would reject every real response.
    """
    raw = schemathesis.openapi.from_path(path).raw_schema
    return operations_of(schemathesis.openapi.from_dict(_one_of_as_any_of(raw)))


def _one_of_as_any_of(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            ("anyOf" if key == "oneOf" else key): _one_of_as_any_of(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_one_of_as_any_of(value) for value in node]
    return node
