"""The serving process stays lean: ``serve`` migrates in a child process, and libraries only
some paths need (alembic, numpy, boto3, psycopg, test tools) are not imported to serve."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from imagekit_server.db.engine import create_engine
from imagekit_server.db.migrate import current_revision, head_revision
from imagekit_server.db.migration_process import MigrationFailed, upgrade_in_child_process
from tests.fixtures.live_server import StartServer

NOT_FOR_SERVING = (
    "alembic", "mako", "numpy", "boto3", "botocore", "psycopg", "hypothesis", "cv2", "imagekitio",
    "requests",
)  # fmt: skip

# What ``imagekit-server serve`` does before the HTTP server takes over, on SQLite and local blobs.
SERVING_PROGRAM = """
import json, sys
from pathlib import Path
from imagekit_server.cli.commands import _migrate_before_serving
from imagekit_server.settings import Settings
from imagekit_server.app import create_app
from imagekit_server.context import open_context

settings = _migrate_before_serving(Settings.from_env({}, data_dir=Path(sys.argv[1])))
context = open_context(settings)
create_app(settings, context)
context.close()
print(json.dumps(sorted(name for name in sys.modules if "." not in name)))
"""


def test_child_migration_brings_the_database_to_head(database_url: str) -> None:
    upgrade_in_child_process(database_url)
    engine = create_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_child_migration_failure_is_raised() -> None:
    with pytest.raises(MigrationFailed):
        upgrade_in_child_process("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")


def test_serving_process_does_not_import_what_it_does_not_use(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SERVING_PROGRAM, str(tmp_path / "data")],
        capture_output=True,
        timeout=120,
        check=True,
    )
    imported = set(json.loads(result.stdout))
    assert {"sqlalchemy", "pyvips", "fastapi"} <= imported  # the program did start a server
    assert imported.isdisjoint(NOT_FOR_SERVING), imported & set(NOT_FOR_SERVING)
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'imagekit.sqlite3'}")
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_the_command_line_parser_does_not_import_the_database_layer() -> None:
    """Every command (and the ``serve --workers`` supervisor) imports the CLI module; only the
    commands that open a context need SQLAlchemy and the app."""
    program = (
        "import json, sys; import imagekit_server.cli; "
        "print(json.dumps(sorted(name for name in sys.modules if '.' not in name)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, timeout=60, check=True
    )
    imported = set(json.loads(result.stdout))
    assert imported.isdisjoint({"sqlalchemy", "fastapi", "pyvips", "granian", *NOT_FOR_SERVING})


def test_workers_supervisor_loads_neither_libvips_nor_the_database_layer(
    live_server_factory: StartServer,
) -> None:
    """``serve --workers 2``: the start-up checks run in a short-lived child, so the supervisor
    maps no libvips and no SQLAlchemy extension, and its only children are the two workers
    (forked: no multiprocessing resource tracker), which do serve."""
    server = live_server_factory(env={"IMAGEKIT_WORKERS": "2"})
    assert server.process is not None
    supervisor = server.process.pid
    maps = Path(f"/proc/{supervisor}/maps").read_text()
    assert "libvips" not in maps
    assert "sqlalchemy" not in maps
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    assert len(children) == 2
    for child in children:
        assert "libvips" in Path(f"/proc/{child}/maps").read_text()
    assert requests.get(f"{server.base_url}/healthz", timeout=10).status_code == 200
