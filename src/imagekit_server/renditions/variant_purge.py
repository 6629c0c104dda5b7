"""Where the derived images (transformed variants) of a file live, and removing them all.

Derived images of a file live under one blob prefix, ``derived/<account>/<file_id>/``
(``derived_prefix``). Whatever caches transformed images must store them under that prefix;
``purge_file_variants`` then removes them all (library/purge.py, origins/cache.py and folder renames
call it). Originals are never touched.
"""

from __future__ import annotations

from imagekit_server.context import ServerContext
from imagekit_server.renditions.derived_ledger import derived_ledger
from imagekit_server.renditions.derived_writes import DerivedWrites
from imagekit_server.renditions.hot_cache import forget_cached_variants

DERIVED_ROOT = "derived"


def derived_prefix(account_id: str, file_id: str) -> str:
    """The blob prefix under which every derived image of the file is stored."""
    return f"{DERIVED_ROOT}/{account_id}/{file_id}/"


def purge_file_variants(context: ServerContext, account_id: str, file_id: str) -> int:
    """Delete the file's derived images (and this process's in-memory copies); returns how
    many blobs were removed."""
    context.component(DerivedWrites, DerivedWrites).purged(file_id)  # no late write of it
    forget_cached_variants(context, file_id)
    derived_ledger(context).purged(account_id, file_id)
    return context.store.delete_prefix(derived_prefix(account_id, file_id))
