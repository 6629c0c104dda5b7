"""uvicorn's response cycle with the head held back: one transport write per response whose
body comes in one message, the same bytes as uvicorn writes, and the head still sent for HEAD
requests, empty bodies and streamed bodies."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from uvicorn.protocols.http import httptools_impl

from imagekit_server.runtime import coalesced_writes


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class Flow:
    write_paused = False


def _exchange(cycle_class: type[Any], method: str, messages: list[dict[str, Any]]) -> Any:
    transport = RecordingTransport()
    scope = {"type": "http", "method": method, "path": "/", "http_version": "1.1"}
    log = logging.getLogger("test")

    async def run() -> None:
        cycle = cycle_class(
            scope, transport, Flow(), log, log, False, [], asyncio.Event(), False, True,
            lambda: None,
        )  # fmt: skip
        for message in messages:
            await cycle.send(message)

    asyncio.run(run())
    return transport


START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"image/jpeg"), (b"content-length", b"5")],
}


@pytest.fixture(scope="module")
def cycle_class() -> type[Any]:
    plain = httptools_impl.RequestResponseCycle
    assert coalesced_writes.install()
    coalescing = httptools_impl.RequestResponseCycle
    assert coalescing is not plain and issubclass(coalescing, plain)
    return coalescing


def test_one_write_with_the_same_bytes(cycle_class: type[Any]) -> None:
    messages = [START, {"type": "http.response.body", "body": b"hello"}]
    ours = _exchange(cycle_class, "GET", messages)
    plain = _exchange(cycle_class.__mro__[1], "GET", messages)
    assert len(plain.writes) == 2 and len(ours.writes) == 1
    assert ours.writes[0] == b"".join(plain.writes)
    assert ours.writes[0].startswith(b"HTTP/1.1 200 OK\r\n") and ours.writes[0].endswith(b"hello")


def test_head_and_empty_bodies_still_send_the_head(cycle_class: type[Any]) -> None:
    head = _exchange(cycle_class, "HEAD", [START, {"type": "http.response.body", "body": b""}])
    assert len(head.writes) == 1 and head.writes[0].endswith(b"\r\n\r\n")
    not_modified = {"type": "http.response.start", "status": 304, "headers": []}
    empty = _exchange(cycle_class, "GET", [not_modified, {"type": "http.response.body"}])
    assert b"".join(empty.writes).startswith(b"HTTP/1.1 304")


def test_nothing_is_written_to_a_client_that_left(cycle_class: type[Any]) -> None:
    transport = RecordingTransport()
    scope = {"type": "http", "method": "GET", "path": "/", "http_version": "1.1"}
    log = logging.getLogger("test")

    async def run() -> None:
        cycle = cycle_class(
            scope, transport, Flow(), log, log, False, [], asyncio.Event(), False, True,
            lambda: None,
        )  # fmt: skip
        await cycle.send(START)
        transport.closed = True  # the client disconnected while the body was being made
        cycle.disconnected = True
        await cycle.send({"type": "http.response.body", "body": b"hello"})

    asyncio.run(run())
    assert transport.writes == []


def test_streamed_bodies_carry_the_head_with_their_first_chunk(cycle_class: type[Any]) -> None:
    chunks = [
        START,
        {"type": "http.response.body", "body": b"he", "more_body": True},
        {"type": "http.response.body", "body": b"llo"},
    ]
    ours = _exchange(cycle_class, "GET", chunks)
    plain = _exchange(cycle_class.__mro__[1], "GET", chunks)
    assert len(ours.writes) == 2 and b"".join(ours.writes) == b"".join(plain.writes)
    assert ours.writes[0].endswith(b"\r\n\r\nhe")
