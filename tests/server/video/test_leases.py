"""Video render leases on both databases: one holder at a time, takeover after expiry; and a
burst of requests across two server processes gets one rendition."""

from __future__ import annotations

import concurrent.futures
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import requests
import sqlalchemy as sa

from imagekit_server.db.engine import create_engine, write_transaction
from imagekit_server.db.migrate import upgrade_to_head
from imagekit_server.db.tables import video_render_leases
from imagekit_server.settings import Settings
from imagekit_server.storage.local import LocalBlobStore
from imagekit_server.video.leases import release, try_claim
from tests.fixtures.live_server import StartServer
from tests.server.uploads import TIMEOUT, uploaded
from tests.server.video.media import make_video, measure


def _process(engine: sa.Engine, tmp_path: Path, token: str) -> Any:
    """What the lease functions read of a server context: its database, store and token."""
    return SimpleNamespace(
        engine=engine,
        store=LocalBlobStore(tmp_path / "blobs"),
        settings=Settings(data_dir=tmp_path, video_render_timeout_seconds=60),
        lease=SimpleNamespace(token=token),
    )


def test_one_holder_then_takeover(database_url: str, tmp_path: Path) -> None:
    engine = create_engine(database_url)
    upgrade_to_head(engine)
    first, second = _process(engine, tmp_path, "a"), _process(engine, tmp_path, "b")
    key = "derived/demo/f1/vabc.mp4"
    assert try_claim(first, key)
    assert not try_claim(second, key)
    release(second, key)  # not its lease: nothing happens
    assert not try_claim(second, key)
    with write_transaction(engine) as conn:  # the holder died long ago
        past = datetime.now(timezone.utc) - timedelta(seconds=1)
        conn.execute(video_render_leases.update().values(expires_at=past))
    assert try_claim(second, key)
    release(second, key)
    assert try_claim(first, key)
    engine.dispose()


def test_burst_across_processes_renders_once(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={"IMAGEKIT_WORKERS": "2"})
    uploaded(server, make_video(seconds=2), "burst.mp4", useUniqueFileName="false")
    url = f"{server.url_endpoint}/tr:w-96,q-40/burst.mp4"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: requests.get(url, timeout=TIMEOUT), range(8)))
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert measure(responses[0].content).width == 96
    stored = list((server.data_dir / "blobs" / "derived").glob("*/*/v*.mp4"))
    assert len(stored) == 1
    with sqlite3.connect(server.data_dir / "imagekit.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM video_render_leases").fetchone() == (0,)
