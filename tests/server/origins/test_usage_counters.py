"""Bandwidth counters flushed into ``bandwidth_usage`` on SQLite and PostgreSQL: counts from
several flushes (and several processes' counters) add up, unknown accounts are dropped, and
the day boundaries of the range are start-inclusive, end-exclusive."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from imagekit_server.context import ServerContext, open_context
from imagekit_server.observability import usage
from imagekit_server.observability.usage import (
    BandwidthCounter,
    bandwidth_bytes,
    bandwidth_counter,
    flush_bandwidth,
)
from imagekit_server.settings import Settings


@pytest.fixture
def context(database_url: str, tmp_path: Path) -> Iterator[ServerContext]:
    opened = open_context(
        Settings(data_dir=tmp_path, database_url=database_url, imagekit_id="usage-test")
    )
    yield opened
    opened.close()


def test_flushes_add_up_per_account_and_day(context: ServerContext) -> None:
    account = context.default_account.id
    day_one, day_two = date(2031, 5, 1), date(2031, 5, 2)
    before = bandwidth_bytes(context, account, day_one, date(2031, 5, 3))
    counter = bandwidth_counter(context)
    counter.add(account, 100, day_one)
    counter.add(account, 50, day_one)
    counter.add("no-such-account", 999, day_one)
    counter.add(account, 0, day_two)  # nothing delivered: nothing recorded
    assert flush_bandwidth(context) == 1
    counter.add(account, 7, day_one)
    counter.add(account, 3, day_two)
    assert flush_bandwidth(context) == 2
    assert flush_bandwidth(context) == 0  # drained
    assert bandwidth_bytes(context, account, day_one, day_two) - before == 157
    assert bandwidth_bytes(context, account, day_one, date(2031, 5, 3)) - before == 160
    assert bandwidth_bytes(context, "no-such-account", day_one, day_two) == 0


def test_restored_counts_add_to_new_ones() -> None:
    """What a flush gives back when the database refused it."""
    counter = BandwidthCounter()
    counter.add("a", 5, date(2031, 1, 1))
    drained = counter.drain()
    counter.restore(drained)
    counter.add("a", 1, date(2031, 1, 1))
    assert counter.drain() == {("a", date(2031, 1, 1)): 6}


@pytest.mark.parametrize(
    "moment", ["2031-05-01T00:00:00", "2031-05-01T23:59:59.999", "2031-12-31T12:00:00"]
)
def test_bytes_delivered_now_count_for_the_utc_day(
    monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """The hot path keys the day from the clock without a datetime: the same UTC date."""
    instant = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
    monkeypatch.setattr(usage, "time", instant.timestamp)
    counter = BandwidthCounter()
    counter.add("a", 5)
    assert counter.drain() == {("a", instant.date()): 5}


def test_a_reader_that_flushes_sees_counts_a_background_flush_is_writing(
    context: ServerContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usage API flushes, then reads: counts the periodic flush has drained but not yet
    committed must not be missed."""
    import threading
    import time

    from imagekit_server.observability import usage

    account = context.default_account.id
    day = date(2031, 6, 1)
    slow_lookup = usage._existing_accounts

    def slow(conn: object, ids: object) -> set[str]:
        time.sleep(0.3)  # the background flush has drained the counts and is writing them
        return slow_lookup(conn, ids)  # type: ignore[arg-type]

    bandwidth_counter(context).add(account, 42, day)
    monkeypatch.setattr(usage, "_existing_accounts", slow)
    background = threading.Thread(target=flush_bandwidth, args=(context,))
    background.start()
    time.sleep(0.05)
    monkeypatch.setattr(usage, "_existing_accounts", slow_lookup)
    flush_bandwidth(context)  # what the usage API does before reading
    assert bandwidth_bytes(context, account, day, date(2031, 6, 2)) == 42
    background.join()


def test_a_response_counts_for_the_day_it_was_sent_across_midnight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pairs wait to be summed (once a second); those of just before midnight still count
    for that day, those of just after for the next."""
    clock = [datetime(2031, 5, 1, 23, 59, 59, 500_000, tzinfo=timezone.utc).timestamp()]
    monkeypatch.setattr(usage, "time", lambda: clock[0])
    counter = BandwidthCounter()
    counter.delivered("a", 5)
    counter.delivered("b", 1)
    clock[0] += 0.4  # 23:59:59.9: within the second, not summed yet
    counter.delivered("a", 6)
    clock[0] += 0.3  # 00:00:00.2
    counter.delivered("a", 7)
    assert counter.drain() == {
        ("a", date(2031, 5, 1)): 11,
        ("b", date(2031, 5, 1)): 1,
        ("a", date(2031, 5, 2)): 7,
    }


def test_counts_survive_drains_racing_the_writers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writers on several threads, drains racing them, the GIL handed over every few
    microseconds (so a switch lands between any two steps): every byte counted once."""
    import random
    import sys
    import threading
    import time

    monkeypatch.setattr(sys, "setswitchinterval", sys.setswitchinterval)  # restored after
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    counter = BandwidthCounter()
    accounts = ["a", "b", "c"]
    written: dict[str, int] = dict.fromkeys(accounts, 0)
    lock = threading.Lock()

    def write(seed: int) -> None:
        pick = random.Random(seed)
        mine = dict.fromkeys(accounts, 0)
        for _ in range(20_000):
            account, size = pick.choice(accounts), pick.randint(1, 100)
            counter.delivered(account, size)
            mine[account] += size
        with lock:
            for account, size in mine.items():
                written[account] += size

    writers = [threading.Thread(target=write, args=(seed,)) for seed in range(4)]
    drained: dict[str, int] = dict.fromkeys(accounts, 0)
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        for (account, _), size in counter.drain().items():
            drained[account] += size
        time.sleep(0.0001)
    for writer in writers:
        writer.join()
    for (account, _), size in counter.drain().items():
        drained[account] += size
    sys.setswitchinterval(previous)
    assert drained == written
