"""A fresh variant is stored after its response (renditions/derived_writes.py): the write runs in
the background, a purge makes a pending write of its file skip, and past the bound a request
waits for its own write."""

from __future__ import annotations

import asyncio

from imagekit_server.renditions.derived_writes import DerivedWrites


def test_write_runs_after_submit_returns_and_drain_waits_for_it() -> None:
    async def scenario() -> list[str]:
        writes, events = DerivedWrites(), []

        async def write() -> None:
            await asyncio.sleep(0.01)
            events.append("written")

        await writes.submit(write)
        events.append("answered")
        assert writes.pending == 1
        await writes.drain()
        assert writes.pending == 0
        return events

    assert asyncio.run(scenario()) == ["answered", "written"]


def test_a_purge_makes_the_pending_write_of_its_file_skip() -> None:
    writes = DerivedWrites()
    before = writes.generation("file-a")
    writes.purged("file-a")
    assert writes.write_unless_purged("file-a", before, lambda: 10) == 0
    now = writes.generation("file-a")
    assert writes.write_unless_purged("file-a", now, lambda: 10) == 10


def test_past_the_bound_the_write_runs_inline() -> None:
    async def scenario() -> list[str]:
        writes, events = DerivedWrites(max_pending=1), []
        gate = asyncio.Event()

        async def slow() -> None:
            await gate.wait()

        async def inline() -> None:
            events.append("inline written")

        await writes.submit(slow)
        await writes.submit(inline)  # one already in flight: this one before returning
        events.append("answered")
        gate.set()
        await writes.drain()
        return events

    assert asyncio.run(scenario()) == ["inline written", "answered"]
