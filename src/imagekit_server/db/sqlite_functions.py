"""SQL functions SQLite lacks to answer as PostgreSQL does; search's queries rely on them.

SQLite's built-in ``lower()`` folds ASCII letters only, so ``name HAS "éclair"`` (search's
case-insensitive matching, ``search/rendering.py``) would miss "Éclair.jpg" on SQLite while
PostgreSQL finds it. Installing a Unicode ``lower()`` on every SQLite connection makes
case-insensitive matching agree (application functions override the built-in of the same name).
The engine (``db/engine.py``) installs them on every connection it opens; elsewhere::

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        install_search_functions(dbapi_connection)

or simply ``register_search_functions(engine)``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event


def unicode_lower(value: Any) -> Any:
    """``lower()`` with Unicode case folding of letters; other values pass through."""
    return value.lower() if isinstance(value, str) else value


def install_search_functions(dbapi_connection: sqlite3.Connection) -> None:
    """Install the functions on one raw SQLite connection."""
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)


def register_search_functions(engine: sa.Engine) -> None:
    """Install the functions on every new connection of a SQLite engine (no-op otherwise)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        install_search_functions(dbapi_connection)
