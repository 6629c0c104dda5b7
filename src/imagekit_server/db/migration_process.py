"""Migrations in a short-lived child process, so that a long-running server never imports
alembic: imported modules are never freed, and alembic with mako costs about 11 MB of RSS.

This module imports nothing heavy itself; the child runs ``python -m`` on it.
"""

from __future__ import annotations

import os
import subprocess
import sys

# The URL travels in the environment, not argv, to keep a password out of ``ps``.
_URL_VARIABLE = "IMAGEKIT_MIGRATE_DATABASE_URL"


class MigrationFailed(RuntimeError):
    """The migration child did not succeed (its traceback went to stderr)."""


def upgrade_in_child_process(database_url: str) -> None:
    """``upgrade_to_head`` on ``database_url`` in a child process; raises ``MigrationFailed``."""
    environment = {**os.environ, _URL_VARIABLE: database_url}
    child = subprocess.run([sys.executable, "-m", __name__], env=environment, check=False)
    if child.returncode != 0:
        raise MigrationFailed(f"database migration failed (exit code {child.returncode})")


def _upgrade_from_environment() -> None:
    from imagekit_server.db.engine import create_engine
    from imagekit_server.db.migrate import upgrade_to_head

    engine = create_engine(os.environ[_URL_VARIABLE])
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()


if __name__ == "__main__":
    _upgrade_from_environment()
