"""Expand `n-<name>` references of a chain with the account's named transformations.

Definitions are memoised for the lookup TTL (edits through this process clear the memo at
once); the expanded plan's cache key contains the definitions' text, so an edit never serves
variants rendered with the old definition.
"""

from __future__ import annotations

from anyio import to_thread

from imagekit_server.context import ServerContext
from imagekit_server.db.engine import read_transaction
from imagekit_server.imaging import Plan, TransformationError, parse_transformation
from imagekit_server.library import named_transformations
from imagekit_server.renditions.chain import Chain, invalid_chain
from imagekit_server.renditions.hot_cache import BoundedMemo, delivery_caches

Definitions = tuple[tuple[str, str], ...]


def _expand(key: tuple[str, Definitions]) -> Chain | TransformationError:
    text, definitions = key
    stored = dict(definitions)
    try:
        return Chain.of(parse_transformation(text, resolve_named=stored.__getitem__))
    except TransformationError as error:
        return error
    except (ValueError, ArithmeticError, RecursionError) as error:
        return invalid_chain(error)


expanded_chain = BoundedMemo(_expand)


def _load_definitions(
    context: ServerContext, account_id: str, names: tuple[str, ...]
) -> dict[str, str]:
    with read_transaction(context.engine) as conn:
        return named_transformations.definitions(conn, account_id, names)


async def expand_named(context: ServerContext, account_id: str, plan: Plan) -> Chain:
    """The plan with its names expanded; TransformationError (400) for an unknown name."""
    memo = delivery_caches(context).named
    definitions: dict[str, str | None] = {}
    missing: list[str] = []
    for name in dict.fromkeys(plan.named):
        found, text = memo.get((account_id, name))
        if found:
            definitions[name] = text
        else:
            missing.append(name)
    if missing:
        generation = memo.generation
        loaded = await to_thread.run_sync(_load_definitions, context, account_id, tuple(missing))
        for name in missing:
            definitions[name] = loaded.get(name)
            memo.put((account_id, name), loaded.get(name), generation)
    for name, text in definitions.items():
        if text is None:
            raise TransformationError(
                400, "EINVALIDTRANSFORMATION", f"named transformation '{name}' does not exist"
            )
    known = tuple(sorted((name, text) for name, text in definitions.items() if text is not None))
    expanded = expanded_chain((plan.text, known))
    if isinstance(expanded, TransformationError):
        raise expanded
    return expanded
