"""PeriodicFlusher: each task at its own period, failures isolated and retried, a last flush
at stop; and the hourly statistics refresh SQLite's planner relies on."""

from __future__ import annotations

import time
from pathlib import Path
from typing import cast

import pytest
import sqlalchemy as sa

from imagekit_server.app import _refresh_statistics
from imagekit_server.context import ServerContext, open_context
from imagekit_server.runtime.periodic_flush import Flush, PeriodicFlusher
from imagekit_server.settings import Settings


def test_tasks_run_at_their_periods_and_failures_do_not_stop_the_others() -> None:
    calls: dict[str, int] = {"often": 0, "rarely": 0, "broken": 0}

    def counting(name: str) -> Flush:
        def function(_context: ServerContext) -> None:
            calls[name] += 1
            if name == "broken":
                raise RuntimeError("database down")

        period = 1.0 if name == "rarely" else None
        return Flush(name, function, period, at_stop=name != "rarely")

    flusher = PeriodicFlusher(
        cast(ServerContext, object()), 0.02, [counting(n) for n in ("often", "rarely", "broken")]
    )
    flusher.start()
    time.sleep(0.5)
    assert calls["rarely"] == 0  # not due yet
    time.sleep(1.0)  # due once at 1 s, next at 2 s
    flusher.stop()
    assert calls["often"] >= 10
    assert calls["broken"] >= 10  # retried every round, and the others still ran
    assert calls["rarely"] == 1  # due once, and not at stop
    stopped = dict(calls)
    time.sleep(0.1)
    assert calls == stopped  # the thread is gone


def test_statistics_follow_a_library_that_grew_while_connections_stayed_open(
    tmp_path: Path,
) -> None:
    context = open_context(Settings(data_dir=tmp_path))
    try:
        engine = context.engine

        def analysed_rows(table: str) -> int | None:
            with engine.connect() as conn:
                stat = conn.execute(
                    sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t AND idx IS NULL"),
                    {"t": table},
                ).scalar()
            return None if stat is None else int(str(stat).split()[0])

        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE grown (id INTEGER PRIMARY KEY, v TEXT)")
            conn.exec_driver_sql(
                "INSERT INTO grown (v) SELECT 'x' FROM (WITH RECURSIVE n(i) AS "
                "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) SELECT i FROM n)"
            )
        assert analysed_rows("grown") is None
        _refresh_statistics(context)
        assert analysed_rows("grown") == 500
    finally:
        context.close()


@pytest.mark.parametrize("period", [None, 60.0])
def test_stop_flushes_what_asks_for_it(period: float | None) -> None:
    calls: list[int] = []
    flush = Flush("notes", lambda _context: calls.append(1), period)
    flusher = PeriodicFlusher(cast(ServerContext, object()), 60, [flush])
    flusher.start()
    flusher.stop()
    assert calls == [1]
