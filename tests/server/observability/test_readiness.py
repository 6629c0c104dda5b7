"""``/readyz`` answers 503 (with the failing dependency) while the database or the blob store
cannot be used, and 200 again once it can; ``/healthz`` stays a constant liveness answer."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from tests.fixtures.databases import ADMIN_URL
from tests.fixtures.live_server import StartServer


def _ready(base_url: str) -> requests.Response:
    return requests.get(f"{base_url}/readyz", timeout=15)


def test_unusable_blob_directory_makes_the_server_unready(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()
    assert _ready(server.base_url).json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok"},
    }
    blobs = server.data_dir / "blobs"
    moved = server.data_dir / "blobs-away"
    blobs.rename(moved)
    blobs.write_text("not a directory")  # e.g. a volume that did not mount
    try:
        down = _ready(server.base_url)
        assert down.status_code == 503 and down.headers["retry-after"]
        assert down.json()["checks"]["database"] == "ok"
        assert down.json()["checks"]["storage"] != "ok"
        assert requests.get(f"{server.base_url}/healthz", timeout=5).status_code == 200
    finally:
        blobs.unlink()
        moved.rename(blobs)
    assert _ready(server.base_url).status_code == 200
    assert "readiness: storage check failed" in server.log()


def test_dropped_database_makes_the_server_unready(live_server_factory: StartServer) -> None:
    server = live_server_factory(database="postgres")
    assert _ready(server.base_url).status_code == 200
    name = sa.make_url(server.env["DATABASE_URL"]).database
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
    down = _ready(server.base_url)
    assert down.status_code == 503, down.text
    assert down.json()["checks"] == {"database": "OperationalError", "storage": "ok"}
    assert requests.get(f"{server.base_url}/healthz", timeout=5).status_code == 200
    metrics = requests.get(f"{server.base_url}/metrics", timeout=10).text
    assert 'imagekit_backend_errors_total{backend="database"}' in metrics
    assert "imagekit_http_requests_total" in metrics
