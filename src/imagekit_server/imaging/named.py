"""Expansion of named transformations (`n-<name>`, docs/reference/transformations.md §9.1)."""

from __future__ import annotations

from collections.abc import Callable

from imagekit_server.imaging.errors import TransformationError, invalid
from imagekit_server.imaging.syntax import RawParam, RawStep, strip_tr_prefix, tokenise

NamedResolver = Callable[[str], str]


def _is_named(item: object) -> bool:
    return isinstance(item, RawParam) and item.key == "n"


def named_references(steps: tuple[RawStep, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for step in steps:
        for item in step:
            if isinstance(item, RawParam) and item.key == "n":
                if not item.value:
                    raise invalid("'n' needs a name")
                names.append(item.value)
    return tuple(names)


def _lookup(name: str, resolve: NamedResolver) -> tuple[RawStep, ...]:
    try:
        stored = resolve(name)
    except TransformationError:
        raise
    except LookupError:
        raise invalid(f"named transformation '{name}' does not exist") from None
    steps = tokenise(strip_tr_prefix(stored))
    if named_references(steps):
        raise invalid(f"named transformation '{name}' refers to another named transformation")
    return steps


def expand_named(steps: tuple[RawStep, ...], resolve: NamedResolver) -> tuple[RawStep, ...]:
    """Replace `n-` items by their stored steps; explicit parameters in the step win."""
    expanded: list[RawStep] = []
    for step in steps:
        names = [item for item in step if _is_named(item)]
        if not names:
            expanded.append(step)
            continue
        if len(names) > 1:
            raise invalid("a step may use only one named transformation")
        name = names[0]
        assert isinstance(name, RawParam)
        stored = _lookup(name.value or "", resolve)
        others = tuple(item for item in step if not _is_named(item))
        if not others:
            expanded.extend(stored)
        elif len(stored) <= 1:
            expanded.append((*(stored[0] if stored else ()), *others))
        else:
            raise invalid(f"named transformation '{name.value}' has several steps; use it alone")
    return tuple(expanded)
