"""The bounded render pool runs renders off the event loop, in parallel."""

from __future__ import annotations

import asyncio
import threading

from imagekit_server.imaging import Limits, parse_transformation, render, run_in_pool
from imagekit_server.imaging.pool import default_workers, render_executor
from tests.server.imaging.sample_images import decode, jpeg, quadrants


def test_run_in_pool_renders_on_worker_threads() -> None:
    source = jpeg(quadrants(300, 200))
    plan = parse_transformation("w-30")
    caller = threading.get_ident()

    def render_and_report() -> tuple[int, int]:
        rendered = render(source, plan, accept=None, limits=Limits())
        return decode(rendered).width, threading.get_ident()

    async def main() -> list[tuple[int, int]]:
        calls = [run_in_pool(render_and_report) for _ in range(8)]
        return await asyncio.wait_for(asyncio.gather(*calls), timeout=60)

    results = asyncio.run(main())
    assert [width for width, _ in results] == [30] * 8
    assert all(thread != caller for _, thread in results)
    assert render_executor()._max_workers == default_workers()


def test_run_in_pool_passes_keyword_arguments() -> None:
    source = jpeg(quadrants(100, 100))

    async def main() -> int:
        rendered = await run_in_pool(
            render, source, parse_transformation("w-10"), accept=None, limits=Limits()
        )
        return rendered.width

    assert asyncio.run(main()) == 10
