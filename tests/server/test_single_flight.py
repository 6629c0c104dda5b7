"""SingleFlight: one run of the work per key for every concurrent caller."""

from __future__ import annotations

import asyncio

import pytest

from imagekit_server.runtime.single_flight import SingleFlight


def test_concurrent_callers_share_one_run_and_the_key_is_freed_after() -> None:
    runs: list[str] = []

    async def scenario() -> None:
        flight: SingleFlight[str, int] = SingleFlight()
        gate = asyncio.Event()

        async def work() -> int:
            runs.append("a")
            await gate.wait()
            return len(runs)

        callers = [asyncio.ensure_future(flight.run("a", work)) for _ in range(10)]
        await asyncio.sleep(0)
        assert "a" in flight and len(flight) == 1
        gate.set()
        assert await asyncio.gather(*callers) == [1] * 10
        assert "a" not in flight and len(flight) == 0
        assert await flight.run("a", work) == 2  # a later call runs the work again

    asyncio.run(scenario())
    assert runs == ["a", "a"]


def test_an_exception_reaches_every_caller_and_is_not_kept() -> None:
    async def scenario() -> None:
        flight: SingleFlight[str, int] = SingleFlight()
        gate = asyncio.Event()

        async def failing() -> int:
            await gate.wait()
            raise LookupError("origin down")

        callers = [asyncio.ensure_future(flight.run("k", failing)) for _ in range(5)]
        await asyncio.sleep(0)
        gate.set()
        results = await asyncio.gather(*callers, return_exceptions=True)
        assert all(isinstance(result, LookupError) for result in results)

        async def working() -> int:
            return 7

        assert await flight.run("k", working) == 7

    asyncio.run(scenario())


def test_a_caller_that_goes_away_does_not_cancel_the_work_for_the_others() -> None:
    async def scenario() -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        gate = asyncio.Event()

        async def work() -> str:
            await gate.wait()
            return "rendered"

        first = asyncio.ensure_future(flight.run("v", work))
        second = asyncio.ensure_future(flight.run("v", work))
        await asyncio.sleep(0)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        gate.set()
        assert await second == "rendered"

    asyncio.run(scenario())


def test_start_does_not_wait_and_reuses_the_run_in_progress() -> None:
    async def scenario() -> None:
        flight: SingleFlight[str, int] = SingleFlight()
        calls: list[int] = []

        async def work() -> int:
            calls.append(1)
            await asyncio.sleep(0.01)
            return 3

        started = flight.start("k", work)
        assert flight.start("k", work) is started
        assert not started.done()
        assert await started == 3
        assert calls == [1]

    asyncio.run(scenario())
