"""Access-log lines: the fields in text and JSON, secrets and control characters masked, the
time of each line, and the batch written as one."""

from __future__ import annotations

import errno
import io
import json
import os
import time
from pathlib import Path

import pytest

from imagekit_server.observability import access_log
from imagekit_server.observability.access_log import AccessLog, target
from imagekit_server.observability.answered import Answered, Pending

# 2026-12-04T13:49:26.250Z as a perf_counter() value of this process
WALL = 1_796_392_166.25


def _answered(
    *,
    path: bytes = b"/demo/tr:w-20/a.jpg",
    query: bytes = b"ik-t=1800000000&ik-s=deadbeef&v=2",
    request_id: bytes = b"abc-1",
    host: str = "203.0.113.9",
    cache: str = "memory",
    account: str = "demo",
    at: float = WALL,
) -> tuple[object, ...]:
    # 0.4 ms in: the writer's own clock reading may differ from this one by microseconds
    ended = at + 0.0004 - (time.time() - time.perf_counter())
    request = ("GET", path, query, host, 200, 637, cache, account)
    return (ended, ended - 0.0123, request_id, *request, "delivery")


def _written(log_format: str, *entries: tuple[object, ...]) -> str:
    pending = Pending()
    for entry in entries or (_answered(),):
        pending.add(entry)
    answered = pending.drain()
    assert isinstance(answered, Answered)
    stream = io.StringIO()
    AccessLog(log_format, stream).write(answered)
    return stream.getvalue()


def test_text_lines() -> None:
    assert _written("text") == (
        "2026-12-04T13:49:26Z INFO access [abc-1] 12.300ms GET "
        "/demo/tr:w-20/a.jpg?ik-t=1800000000&ik-s=***&v=2 200 637B cache=memory "
        "account=demo client=203.0.113.9\n"
    )


def test_json_lines() -> None:
    line = json.loads(_written("json"))
    assert line == {
        "time": "2026-12-04T13:49:26Z",
        "level": "info",
        "logger": "imagekit_server.access",
        "request_id": "abc-1",
        "method": "GET",
        "path": "/demo/tr:w-20/a.jpg?ik-t=1800000000&ik-s=***&v=2",
        "status": 200,
        "bytes": 637,
        "duration_ms": 12.3,
        "cache": "memory",
        "account": "demo",
        "client": "203.0.113.9",
    }


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_batch_keeps_each_requests_fields_and_second(log_format: str) -> None:
    entries = [
        _answered(path=b"/demo/a.jpg", query=b"", request_id=b"r-1", at=WALL + 0.7),
        _answered(path=b"/demo/b.jpg", query=b"KEY=k&keep=1", request_id=b"r-2", at=WALL + 0.74),
        _answered(
            path=b'/demo/"c".jpg',
            query=b"",
            cache="-",
            account="-",
            host="-",
            request_id=b"r-3",
            at=WALL + 1.5,
        ),
    ]
    text = _written(log_format, *entries)
    lines = text.splitlines()
    assert len(lines) == 3
    if log_format == "text":
        assert lines[0].startswith("2026-12-04T13:49:26Z INFO access [r-1] 12.300ms GET ")
        assert " [r-2] 12.300ms GET /demo/b.jpg?KEY=***&keep=1 200 " in lines[1]
        assert lines[1].startswith("2026-12-04T13:49:26Z ")
        assert lines[2].startswith("2026-12-04T13:49:27Z ")
        assert lines[2].endswith(
            '[r-3] 12.300ms GET /demo/"c".jpg 200 637B cache=- account=- client=-'
        )
    else:
        parsed = [json.loads(line) for line in lines]
        assert [line["request_id"] for line in parsed] == ["r-1", "r-2", "r-3"]
        assert parsed[1]["path"] == "/demo/b.jpg?KEY=***&keep=1"
        assert parsed[2]["path"] == '/demo/"c".jpg'
        assert (parsed[2]["cache"], parsed[2]["account"], parsed[2]["client"]) == (None, None, "-")
        assert parsed[2]["time"] == "2026-12-04T13:49:27Z"


def test_a_control_character_in_one_target_masks_it_alone() -> None:
    entries = [
        _answered(path=b"/a\r\nInjected: 1", query=b"", request_id=b"r-1"),
        _answered(path=b"/b", query=b"token=abc", request_id=b"r-2"),
    ]
    lines = _written("text", *entries).splitlines()
    assert len(lines) == 2
    assert " [r-1] 12.300ms GET /a??Injected: 1 200 " in lines[0]
    assert " [r-2] 12.300ms GET /b?token=*** 200 " in lines[1]


def test_secrets_and_control_characters_are_masked() -> None:
    assert target(b"/a\r\nInjected: 1", b"") == "/a??Injected: 1"
    assert (
        target(b"/x", b"token=abc&KEY=k&keep=1&signature")
        == "/x?token=***&KEY=***&keep=1&signature"
    )


def _batch(*request_ids: bytes, at: float = WALL, step: float = 0.0) -> Answered:
    pending = Pending()
    for number, request_id in enumerate(request_ids):
        pending.add(_answered(request_id=request_id, at=at + number * step))
    answered = pending.drain()
    assert answered is not None
    return answered


@pytest.mark.parametrize("others", [2, 40])  # put in one by one, and merged by sorting
def test_two_batches_are_written_in_the_order_their_requests_ended(others: int) -> None:
    """Delivery requests and the rest are kept apart until written: their lines interleave
    by time, across the second boundary too."""
    delivered = _batch(*(b"d-%d" % n for n in range(50)), at=WALL + 0.5, step=0.02)
    other = _batch(*(b"o-%d" % n for n in range(others)), at=WALL + 0.51, step=0.9 / others)
    stream = io.StringIO()
    AccessLog("text", stream).write(delivered, other)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 50 + others
    ids = [line.split("[")[1].split("]")[0] for line in lines]
    assert sorted(ids) == sorted([f"d-{n}" for n in range(50)] + [f"o-{n}" for n in range(others)])
    ended = {
        **dict(zip((i.decode() for i in delivered.ids), delivered.ended, strict=True)),
        **dict(zip((i.decode() for i in other.ids), other.ended, strict=True)),
    }
    times = [ended[request_id] for request_id in ids]
    assert times == sorted(times)
    seconds = [line[:20] for line in lines]
    assert seconds == sorted(seconds) and len(set(seconds)) == 2


def test_lines_a_full_disk_refuses_are_written_first_once_it_has_room(tmp_path: Path) -> None:
    """The log's descriptor is pointed at /dev/full (every write: ENOSPC), then back at the
    file: nothing is lost or written twice, and the order holds."""
    log_path = tmp_path / "access.log"
    with log_path.open("w") as stream, open("/dev/full", "wb") as full:
        log = AccessLog("text", stream)
        log.write(_batch(b"r-1"))
        saved = os.dup(stream.fileno())
        os.dup2(full.fileno(), stream.fileno())
        with pytest.raises(OSError) as refused:
            log.write(_batch(b"r-2", b"r-3"))
        assert refused.value.errno == errno.ENOSPC
        os.dup2(saved, stream.fileno())
        os.close(saved)
        log.write(_batch(b"r-4"))
    ids = [line.split("[")[1].split("]")[0] for line in log_path.read_text().splitlines()]
    assert ids == ["r-1", "r-2", "r-3", "r-4"]


def test_refused_lines_are_kept_up_to_a_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the bound the newest whole lines are kept: the log does not grow without end while
    the disk is full."""
    line_length = len(_written("text", _answered(request_id=b"r-00")))
    monkeypatch.setattr(access_log, "MAX_UNWRITTEN", 3 * line_length + 5)
    log_path = tmp_path / "access.log"
    with log_path.open("w") as stream, open("/dev/full", "wb") as full:
        log = AccessLog("text", stream)
        saved = os.dup(stream.fileno())
        os.dup2(full.fileno(), stream.fileno())
        for block in ("a", "b"):
            with pytest.raises(OSError):
                log.write(_batch(*(f"r-{block}{number}".encode() for number in range(4))))
        os.dup2(saved, stream.fileno())
        os.close(saved)
        log.write(_batch(b"r-c0"))
    ids = [line.split("[")[1].split("]")[0] for line in log_path.read_text().splitlines()]
    assert ids == ["r-b1", "r-b2", "r-b3", "r-c0"]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_durations_are_written_to_the_microsecond_short_and_long(log_format: str) -> None:
    """Short durations come from a table, long ones are formatted: the same text either way."""
    taken = [0.0, 0.000065, 0.0049994, 0.004999, 0.005, 0.0123456, 2.5]
    entries = []
    for number, seconds in enumerate(taken):
        ended, _, *rest = _answered(request_id=b"r-%d" % number)
        entries.append((ended, ended - seconds, *rest))
    for batch in (entries, entries[:4]):  # with and without a long one in the batch
        lines = _written(log_format, *batch).splitlines()
        if log_format == "text":
            shown = [line.split("] ")[1].split(" ")[0] for line in lines]
        else:
            shown = [f"{json.loads(line)['duration_ms']:.3f}ms" for line in lines]
        assert shown == [f"{seconds * 1000:.3f}ms" for seconds in taken[: len(batch)]]
