"""The in-process caches of transformed delivery, and render limits wired from settings."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from imagekit_server.db.engine import write_transaction
from imagekit_server.renditions.hot_cache import (
    RenderedCache,
    RenderedVariant,
    TtlMemo,
    invalidate_on_writes,
)
from tests.fixtures.live_server import StartServer
from tests.server.media import two_colour_png
from tests.server.uploads import uploaded


def _variant(file_id: str, size: int) -> RenderedVariant:
    return RenderedVariant(file_id, b"x" * size, "image/jpeg", '"e"')


def test_rendered_cache_keeps_within_its_byte_budget() -> None:
    cache = RenderedCache(max_bytes=1000, max_entry_bytes=600)
    cache.put(("a", "w-1", ""), _variant("f1", 400))
    cache.put(("b", "w-1", ""), _variant("f2", 400))
    assert cache.get(("a", "w-1", "")) is not None  # now the most recently used
    cache.put(("c", "w-1", ""), _variant("f3", 400))
    assert cache.get(("b", "w-1", "")) is None  # least recently used went first
    assert cache.size == 800 and len(cache) == 2
    cache.put(("d", "w-1", ""), _variant("f4", 700))
    assert cache.get(("d", "w-1", "")) is None  # larger than one entry may be
    assert cache.forget_file("f1") == 1
    assert cache.get(("a", "w-1", "")) is None and cache.size == 400


def test_ttl_memo_expires_and_ignores_values_read_before_a_clear() -> None:
    memo: TtlMemo[str, int] = TtlMemo(ttl=10)
    memo.put("k", 1)
    assert memo.get("k") == (True, 1)
    assert memo.get("k", now=10**12) == (False, None)
    generation = memo.generation
    memo.clear()
    memo.put("k", 2, generation)  # looked up before the clear: must not be kept
    assert memo.get("k") == (False, None)


def test_ttl_memo_loads_once_for_every_waiting_caller() -> None:
    calls: list[int] = []
    gate = threading.Event()

    def load() -> int:
        gate.wait(5)
        calls.append(1)
        return 7

    async def scenario() -> list[int]:
        memo: TtlMemo[str, int] = TtlMemo(ttl=10)
        waiting = [asyncio.ensure_future(memo.get_or_load("k", load)) for _ in range(20)]
        await asyncio.sleep(0.05)
        gate.set()
        values = await asyncio.gather(*waiting)
        assert await memo.get_or_load("k", load) == 7  # now from the memo
        return values

    assert asyncio.run(scenario()) == [7] * 20
    assert calls == [1]


def test_ttl_memo_serves_an_expired_value_while_one_load_refreshes_it() -> None:
    loaded = iter([1, 2, 3])
    gate = threading.Event()
    calls: list[int] = []

    def load() -> int:
        calls.append(1)
        if len(calls) > 1:
            gate.wait(5)
        return next(loaded)

    async def scenario() -> None:
        memo: TtlMemo[str, int] = TtlMemo(ttl=0.2)
        assert await memo.get_or_load("k", load) == 1
        await asyncio.sleep(0.25)  # expired, within the grace of one more TTL
        # Every caller gets the old value at once; one refresh is started, not twenty.
        assert [await memo.get_or_load("k", load) for _ in range(20)] == [1] * 20
        await asyncio.sleep(0.05)
        assert len(calls) == 2
        gate.set()
        await asyncio.sleep(0.1)
        assert await memo.get_or_load("k", load) == 2
        await asyncio.sleep(0.5)  # expired for longer than the grace: wait for a load
        assert await memo.get_or_load("k", load) == 3

    asyncio.run(scenario())


def test_ttl_memo_load_failures_reach_the_waiters_and_are_not_kept() -> None:
    def broken() -> int:
        raise LookupError("database down")

    async def scenario() -> None:
        memo: TtlMemo[str, int] = TtlMemo(ttl=10)
        with pytest.raises(LookupError):
            await memo.get_or_load("k", broken)
        assert memo.get("k") == (False, None)
        assert await memo.get_or_load("k", lambda: 5) == 5

    asyncio.run(scenario())


def test_writes_to_watched_tables_clear_at_commit(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    meta = sa.MetaData()
    watched = sa.Table("files", meta, sa.Column("id", sa.Integer, primary_key=True))
    other = sa.Table("other", meta, sa.Column("id", sa.Integer, primary_key=True))
    meta.create_all(engine)
    cleared: list[int] = []
    invalidate_on_writes(engine, ["files"], lambda: cleared.append(1))
    with write_transaction(engine) as conn:
        conn.execute(other.insert().values(id=1))
    assert cleared == []
    with write_transaction(engine) as conn:
        conn.execute(watched.insert().values(id=1))
    assert len(cleared) >= 2  # at the write and again once committed
    engine.dispose()


def test_limits_and_vector_loaders_follow_settings(live_server_factory: StartServer) -> None:
    server = live_server_factory(env={"IMAGEKIT_MAX_OUTPUT_PIXELS": "10000"})
    body = uploaded(server, two_colour_png(300, 200), "limits.png")
    big = requests.get(f"{server.url_endpoint}/tr:w-200{body['filePath']}", timeout=30)
    assert big.status_code == 400 and big.headers["ik-error"].startswith("ELIMIT")
    small = requests.get(f"{server.url_endpoint}/tr:w-100{body['filePath']}", timeout=30)
    assert small.status_code == 200
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>'  # noqa: E501
    vector = uploaded(server, svg, "shape.svg")
    refused = requests.get(f"{server.url_endpoint}/tr:w-20,f-png{vector['filePath']}", timeout=30)
    assert refused.status_code == 400
    assert refused.headers["ik-error"].split(" - ")[0] in {"EUNSUPPORTED", "ELIMIT"}
    allowing = live_server_factory(env={"IMAGEKIT_ALLOW_SVG": "true"})
    vector = uploaded(allowing, svg, "shape.svg")
    drawn = requests.get(f"{allowing.url_endpoint}/tr:w-20,f-png{vector['filePath']}", timeout=30)
    assert drawn.status_code == 200, drawn.headers.get("ik-error")
    assert drawn.headers["content-type"] == "image/png"
