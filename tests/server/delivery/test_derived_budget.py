"""The derived cache's byte budget: stored variants are recorded, the least recently used go
first once an account is over its budget, purges drop their records; on SQLite and
PostgreSQL, and end to end through the URL endpoint."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyvips
import requests
import sqlalchemy as sa

from imagekit_server.context import ServerContext, open_context
from imagekit_server.renditions.derived_budget import flush_derived_ledger, stored_bytes
from imagekit_server.renditions.derived_cache import derived_key, save_derived
from imagekit_server.renditions.derived_ledger import DerivedLedger, derived_ledger
from imagekit_server.renditions.variant_purge import purge_file_variants
from imagekit_server.settings import Settings
from tests.fixtures.live_server import StartServer
from tests.server.media import decode
from tests.server.uploads import uploaded

VARIANT_BYTES = 3_000


@pytest.fixture
def context(database_url: str, tmp_path: Path) -> Iterator[ServerContext]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        imagekit_id=f"budget-{tmp_path.name[-8:].replace('_', '-')}",
        derived_cache_bytes=10_000,
    )
    opened = open_context(settings)
    yield opened
    opened.close()


def _store(context: ServerContext, file_id: str, name: str) -> None:
    account = context.default_account.id
    body = b"x" * (VARIANT_BYTES - len(b"image/jpeg\n"))
    size = save_derived(context.store, derived_key(account, file_id, name), "image/jpeg", body)
    assert size == VARIANT_BYTES
    derived_ledger(context).saved(account, file_id, name, size)


def _kept(context: ServerContext, file_id: str, names: list[str]) -> list[str]:
    account = context.default_account.id
    return [n for n in names if context.store.exists(derived_key(account, file_id, n))]


def test_least_recently_used_variants_go_first(context: ServerContext) -> None:
    account = context.default_account.id
    names = [f"v{i}" for i in range(7)]
    for name in names[:5]:
        _store(context, "f1", name)
    # 15,000 bytes over a 10,000 budget: trimmed to 90 % (9,000), oldest first (ties by name).
    assert flush_derived_ledger(context) == 2
    assert _kept(context, "f1", names) == ["v2", "v3", "v4"]
    assert stored_bytes(context, account) == 9_000
    derived_ledger(context).used(account, "f1", "v2")  # a hit keeps it
    assert flush_derived_ledger(context) == 0  # no store: nothing to trim
    time.sleep(0.01)
    _store(context, "f1", "v5")
    _store(context, "f1", "v6")
    assert flush_derived_ledger(context) == 2
    assert _kept(context, "f1", names) == ["v2", "v5", "v6"]
    assert stored_bytes(context, account) == 9_000


def test_purges_drop_the_records_of_the_files_variants(context: ServerContext) -> None:
    account = context.default_account.id
    _store(context, "f1", "a")
    _store(context, "f2", "b")
    flush_derived_ledger(context)
    _store(context, "f1", "c")  # stored and purged before the next flush
    purge_file_variants(context, account, "f1")
    flush_derived_ledger(context)
    assert stored_bytes(context, account) == VARIANT_BYTES  # f2's only
    time.sleep(0.01)
    _store(context, "f1", "d")  # stored again after the purge: counted
    flush_derived_ledger(context)
    assert stored_bytes(context, account) == 2 * VARIANT_BYTES


def test_notes_of_a_failed_flush_are_kept_for_the_next() -> None:
    ledger = DerivedLedger()
    ledger.saved("a", "f", "n1", 10)
    ledger.used("a", "f", "n0")
    batch = ledger.drain()
    ledger.saved("a", "f", "n1", 12)  # newer size wins over the restored one
    ledger.restore(batch)
    again = ledger.drain()
    assert again.saved == {("a", "f", "n1"): 12}
    assert again.used == {("a", "f", "n0")}
    assert ledger.drain().saved == {}


def _noisy_png(width: int, height: int) -> bytes:
    """Noise compresses badly, so every rendered width is a few kilobytes."""
    bands = [pyvips.Image.gaussnoise(width, height, sigma=60, mean=128) for _ in range(3)]
    image = bands[0].bandjoin(bands[1:]).cast("uchar").copy(interpretation="srgb")
    data: bytes = image.write_to_buffer(".png")
    return data


def _derived_bytes(data_dir: Path) -> int:
    root = data_dir / "blobs" / "derived"
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def test_the_url_endpoint_stays_within_the_budget(live_server_factory: StartServer) -> None:
    budget = 25_000  # the JPEGs written come to about 59 kB
    server = live_server_factory(
        env={"IMAGEKIT_DERIVED_CACHE_BYTES": str(budget), "IMAGEKIT_USAGE_FLUSH": "0.2"}
    )
    path = uploaded(server, _noisy_png(300, 200), "noise.png")["filePath"]
    widths = list(range(60, 160, 5))

    def fetch(width: int) -> requests.Response:
        url = f"{server.url_endpoint}/tr:w-{width},f-jpg{path}"
        response = requests.get(url, timeout=30)
        assert response.status_code == 200, response.headers.get("ik-error")
        assert decode(response.content).width == width
        return response

    rendered = sum(len(fetch(width).content) for width in widths)
    assert rendered > 2 * budget  # the store would hold more than the budget without trimming
    deadline = time.monotonic() + 15
    while _derived_bytes(server.data_dir) > budget and time.monotonic() < deadline:
        time.sleep(0.1)
    assert 0 < _derived_bytes(server.data_dir) <= budget
    server.restart()  # empty memory: evicted variants render again, the others load
    for width in widths:
        fetch(width)


def test_variants_stored_before_the_budget_are_recorded_when_read(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory(env={"IMAGEKIT_USAGE_FLUSH": "0.2"})
    path = uploaded(server, _noisy_png(120, 80), "older.png")["filePath"]
    url = f"{server.url_endpoint}/tr:w-50,f-jpg{path}"
    assert requests.get(url, timeout=30).status_code == 200
    engine = sa.create_engine(f"sqlite:///{server.data_dir / 'imagekit.sqlite3'}")

    def recorded() -> int:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM derived_variants")).scalar_one())

    server.stop()  # flushes its notes
    assert recorded() == 1
    with engine.begin() as conn:  # as a variant stored before this table existed
        conn.execute(sa.text("DELETE FROM derived_variants"))
    server.start()
    assert _derived_bytes(server.data_dir) > 0
    assert requests.get(url, timeout=30).status_code == 200  # read from the store
    deadline = time.monotonic() + 10
    while recorded() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert recorded() == 1
    engine.dispose()
