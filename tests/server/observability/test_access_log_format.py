"""Access-log lines: the fields in text and JSON, secrets and control characters masked."""

from __future__ import annotations

import io
import json

from imagekit_server.observability.access_log import AccessLog, target

ENTRY = (
    1_796_392_166.25,
    b"abc-1",
    "GET",
    b"/demo/tr:w-20/a.jpg",
    b"ik-t=1800000000&ik-s=deadbeef&v=2",
    200,
    637,
    0.0123,
    "memory",
    "demo",
    "203.0.113.9",
)


def _written(log_format: str) -> str:
    stream = io.StringIO()
    log = AccessLog(log_format, stream)
    log.add(ENTRY)
    assert stream.getvalue() == ""  # written in batches
    log.flush()
    return stream.getvalue()


def test_text_lines() -> None:
    assert _written("text") == (
        "2026-12-04T13:49:26.250Z INFO access [abc-1] GET "
        "/demo/tr:w-20/a.jpg?ik-t=1800000000&ik-s=***&v=2 200 637B 12.3ms cache=memory "
        "account=demo client=203.0.113.9\n"
    )


def test_json_lines() -> None:
    line = json.loads(_written("json"))
    assert line == {
        "time": "2026-12-04T13:49:26.250Z",
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


def test_secrets_and_control_characters_are_masked() -> None:
    assert target(b"/a\r\nInjected: 1", b"") == "/a??Injected: 1"
    assert (
        target(b"/x", b"token=abc&KEY=k&keep=1&signature")
        == "/x?token=***&KEY=***&keep=1&signature"
    )
