"""Seed a large library fast: one real upload, then its row cloned straight into the database
(the blob is shared, so every clone is a deliverable image)."""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import uploaded


def database_url(server: LiveServer) -> str:
    return server.env.get("DATABASE_URL") or f"sqlite:///{server.data_dir / 'imagekit.sqlite3'}"


def seed_folder(server: LiveServer, folder: str, count: int) -> list[str]:
    """``count`` image files in ``folder`` (named ``img-00000.png``...); returns their names."""
    first = uploaded(
        server,
        solid_image(64, 48, (200, 30, 30)),
        "img-00000.png",
        folder=folder,
        useUniqueFileName="false",
    )
    engine = sa.create_engine(database_url(server))
    names = [f"img-{index:05d}.png" for index in range(count)]
    with engine.begin() as conn:
        files = sa.Table("files", sa.MetaData(), autoload_with=conn)
        row: dict[str, Any] = dict(
            conn.execute(sa.select(files).where(files.c.id == first["fileId"])).mappings().one()
        )
        clones = []
        for name in names[1:]:
            file_id = secrets.token_hex(12)
            clones.append(
                {
                    **row,
                    "id": file_id,
                    "current_version_id": file_id,
                    "name": name,
                    "file_path": f"{row['folder_path']}/{name}",
                }
            )
        for start in range(0, len(clones), 2000):
            conn.execute(files.insert(), clones[start : start + 2000])
    engine.dispose()
    return names
