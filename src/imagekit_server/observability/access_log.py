"""The access log: one line per request (method, path, status, bytes, duration, cache layer,
account, client, request id), plain text or JSON like the other log lines.

Requests only leave their fields (observability/answered.py); ``write`` turns a batch into
lines a few times a second, from the server's flush task. A line is joined from pieces that
repeat (``] GET ``, `` 200 ``, ``637B ``, ``.250Z INFO access [``...), each made once and then
looked up, column by column in C (``map``, ``zip``, ``bytes.join``): formatting a line per
request, even with one ``%`` operation, cost more instructions than the rest of the access log
and metrics together (bench/README.md, "Cost of the access log and metrics"). Signed URLs'
signatures and secret-looking query values are written as ``***``, control characters as ``?``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, repeat
from math import floor
from operator import floordiv, itemgetter, mod
from typing import Any, TextIO

from imagekit_server.observability.answered import Answered
from imagekit_server.observability.request_context import NO_VALUE

SECRET_PARAMS = frozenset({b"ik-s", b"token", b"signature", b"password", b"private_key", b"key"})
_CONTROL = {code: "?" for code in (*range(0x20), 0x7F)}
_UNPRINTABLE = re.compile(rb"[\x00-\x1f\x7f]")
_MAX_CACHED = 4096  # values per piece table kept


class _Pieces(dict[Any, bytes]):
    """A piece of line by the value(s) it shows, made once: under load they repeat (the
    same hot URLs, sizes, durations). Emptied when full, so it follows what is hot now."""

    def __init__(self, make: Callable[[Any], bytes]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, value: Any) -> bytes:
        piece = self._make(value)
        if len(self) >= _MAX_CACHED:
            self.clear()
        self[value] = piece
        return piece


# method, path, query, status, bytes, cache, account, client address
Request = tuple[str, bytes, bytes, int, int, str, str, str]


def _json_text(value: object) -> bytes:
    return json.dumps(value).encode()


def _json_or_null(value: str) -> bytes:
    return b"null" if value == NO_VALUE else _json_text(value)


def _text_request(request: Request) -> bytes:
    method, path, query, status, sent, cache, account, client = request
    shown = target(path, query).encode()
    return b"%s %s %d %dB cache=%s account=%s client=%s\n" % (
        method.encode(),
        shown,
        status,
        sent,
        cache.encode(),
        account.encode(),
        client.encode(),
    )


def _json_request(request: Request) -> bytes:
    method, path, query, status, sent, cache, account, client = request
    fields = json.dumps({"method": method, "path": target(path, query), "status": status})
    return b'%s, "bytes": %d, "cache": %s, "account": %s, "client": %s}\n' % (
        fields[1:-1].encode(),
        sent,
        _json_or_null(cache),
        _json_or_null(account),
        _json_text(client),
    )


class _Format:
    """The pieces of one log format, in the order of a line: time (second, then
    milliseconds), request id, duration, then what was asked and answered (and to whom)."""

    def __init__(self, json_lines: bool) -> None:
        if json_lines:
            self.start = b'{"time": "'
            self.millis = [
                b'.%03dZ", "level": "info", "logger": "imagekit_server.access", "request_id": "'
                % ms
                for ms in range(1000)
            ]
            self.whole_ms = _Pieces(lambda ms: b'", "duration_ms": %d' % ms)
            self.fraction = [b".%03d, " % us for us in range(1000)]
            self.request = _Pieces(_json_request)
        else:
            self.start = b""
            self.millis = [b".%03dZ INFO access [" % ms for ms in range(1000)]
            self.whole_ms = _Pieces(lambda ms: b"] %d" % ms)
            self.fraction = [b".%03dms " % us for us in range(1000)]
            self.request = _Pieces(_text_request)


class AccessLog:
    def __init__(self, log_format: str, stream: TextIO | None = None) -> None:
        self._format = _Format(log_format == "json")
        self._stream = stream

    def write(self, answered: Answered) -> None:
        data = self.lines(answered)
        stream = self._stream or sys.stderr
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(data.decode())
        else:
            stream.flush()  # what other log lines left in the text layer goes first
            buffer.write(data)
            buffer.flush()

    def lines(self, answered: Answered) -> bytes:
        form = self._format
        # Wall-clock time = monotonic end time + offset. The milliseconds table is turned by
        # the offset's milliseconds, so the monotonic milliseconds index it directly.
        offset = (time.time() - time.perf_counter()) * 1000
        offset_ms = int(offset // 1)
        fraction = offset - offset_ms  # added before truncating: the milliseconds are exact
        turn = offset_ms % 1000
        millis = form.millis[turn:] + form.millis[:turn]
        scaled = map((1000.0).__mul__, answered.ended)
        monotonic_ms = list(map(floor, map(fraction.__add__, scaled)))
        # Durations in microseconds, shown as whole milliseconds and a fraction: both looked up
        micros = list(map(int, map((1_000_000.0).__mul__, answered.seconds)))
        pieces = [
            list(
                map(
                    millis.__getitem__,
                    map(mod, monotonic_ms, repeat(1000)),
                )
            ),
            answered.ids,
            list(map(form.whole_ms.__getitem__, map(floordiv, micros, repeat(1000)))),
            list(map(form.fraction.__getitem__, map(mod, micros, repeat(1000)))),
            list(
                map(
                    form.request.__getitem__,
                    zip(
                        answered.methods,
                        answered.paths,
                        answered.queries,
                        answered.statuses,
                        answered.sent,
                        answered.caches,
                        answered.accounts,
                        _client_hosts(answered.clients),  # not ports: they change per connection
                        strict=True,
                    ),
                )
            ),
        ]
        parts = []
        for start, end, second in _by_second(monotonic_ms, offset_ms):
            stamp = form.start + time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)).encode()
            columns = [column[start:end] for column in pieces]
            parts.append(b"".join(chain.from_iterable(zip(repeat(stamp), *columns))))
        return b"".join(parts)


def _by_second(monotonic_ms: Sequence[int], offset_ms: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, second): the runs of entries within one wall-clock second (they are in
    the order they were answered, so a batch of a quarter second has one or two runs). An
    entry's wall-clock millisecond is its monotonic one plus ``offset_ms``."""
    start = 0
    while start < len(monotonic_ms):
        second = (monotonic_ms[start] + offset_ms) // 1000
        end = bisect_left(monotonic_ms, (second + 1) * 1000 - offset_ms, start + 1)
        yield start, end, second
        start = end


def _client_hosts(clients: list[tuple[str, int] | None]) -> list[str]:
    if None in clients:
        return [client[0] if client else NO_VALUE for client in clients]
    return list(map(itemgetter(0), clients))  # type: ignore[arg-type]


def target(raw_path: bytes, query: bytes) -> str:
    """The request target as sent, secrets in the query replaced, control characters too."""
    if query:
        raw_path += b"?" + b"&".join(map(_redacted, query.split(b"&")))
    text = raw_path.decode("latin-1")
    return text.translate(_CONTROL) if _UNPRINTABLE.search(raw_path) else text


def _redacted(pair: bytes) -> bytes:
    name, equals, _ = pair.partition(b"=")
    return name + b"=***" if equals and name.lower() in SECRET_PARAMS else pair
