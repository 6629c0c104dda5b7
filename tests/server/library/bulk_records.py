"""Insert many file records into a live server's database quickly, through the server's own
record functions, all sharing one small uploaded blob (for folder-job scale tests)."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from imagekit_server.db.engine import create_engine, read_transaction, write_transaction
from imagekit_server.db.tables import bulk_jobs, files
from imagekit_server.files import records
from imagekit_server.library.file_copies import content_of
from tests.fixtures.live_server import LiveServer


def database_url(server: LiveServer) -> str:
    return server.env.get("DATABASE_URL") or f"sqlite:///{server.data_dir / 'imagekit.sqlite3'}"


def insert_files(server: LiveServer, template_id: str, folder: str, count: int) -> None:
    """``count`` files ``folder/f00000.png``... with the content of the file ``template_id``."""
    engine = create_engine(database_url(server))
    try:
        with write_transaction(engine) as conn:
            template = records.find_by_id(conn, server.imagekit_id, template_id)
            assert template is not None
            content = content_of(template)
            now = datetime.now(timezone.utc)
            for index in range(count):
                records.create_file(
                    conn,
                    account_id=server.imagekit_id,
                    folder=folder,
                    name=f"f{index:05d}.png",
                    content=content,
                    attributes=records.Attributes(),
                    field_types={},
                    now=now,
                )
    finally:
        engine.dispose()


def job_progress(server: LiveServer, job_id: str) -> dict[str, object]:
    engine = create_engine(database_url(server))
    try:
        with read_transaction(engine) as conn:
            progress = conn.execute(
                sa.select(bulk_jobs.c.progress).where(bulk_jobs.c.id == job_id)
            ).scalar_one()
        return dict(progress or {})
    finally:
        engine.dispose()


def last_file_by_id(server: LiveServer, folder: str) -> str:
    """The path of the file with the greatest id directly in ``folder``: the one a folder
    job's cursor, which walks file ids, reaches last."""
    engine = create_engine(database_url(server))
    try:
        with read_transaction(engine) as conn:
            path: str = conn.execute(
                sa.select(files.c.file_path)
                .where(files.c.account_id == server.imagekit_id, files.c.folder_path == folder)
                .order_by(files.c.id.desc())
                .limit(1)
            ).scalar_one()
        return path
    finally:
        engine.dispose()
