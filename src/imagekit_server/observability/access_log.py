"""The access log: one line per request (time, request id, duration, method, path, status,
bytes, cache layer, account, client), plain text or JSON like the other log lines.

Requests only leave their fields (observability/answered.py); ``write`` turns a batch into
lines a few times a second, from the server's flush task, in a few C calls per batch: a line
is four pieces joined, ``b"".join`` over the whole batch. The time is the wall-clock second
the request was answered in (as nginx's and Apache's access logs have it; the duration
carries the precision), made once per second of the batch. The durations come from a table
of pieces made once (those under 5 ms), longer ones formatted as they come. The rest of a
line (method, target, status, size, cache, account, client) repeats under load, so it is made
once and looked up: formatting each line, even with one ``%`` operation, cost more
instructions than the rest of the access log and metrics together (bench/README.md, "Cost of
the access log and metrics"). Signed URLs' signatures and secret-looking query values are
written as ``***``, control characters as ``?``. Lines the stream refuses (a full disk, a
closed pipe) are kept, up to ``MAX_UNWRITTEN`` bytes, and written first at the next flush.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, repeat
from math import floor
from operator import mul
from typing import Any, TextIO

from imagekit_server.observability.answered import Answered, Request
from imagekit_server.observability.request_context import NO_VALUE

SECRET_PARAMS = frozenset({b"ik-s", b"token", b"signature", b"password", b"private_key", b"key"})
_CONTROL = {code: "?" for code in (*range(0x20), 0x7F)}
_UNPRINTABLE = re.compile(rb"[\x00-\x1f\x7f]")
_MAX_CACHED = 4096  # values per piece table kept
MAX_UNWRITTEN = 8 << 20  # bytes of lines kept while the stream refuses them (newest kept)


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


def _json_text(value: object) -> bytes:
    return json.dumps(value).encode()


def _json_or_null(value: str) -> bytes:
    return b"null" if value == NO_VALUE else _json_text(value)


def _text_request(request: Request) -> bytes:
    method, path, query, host, status, sent, cache, account = request
    shown = target(path, query).encode()
    return b"%s %s %d %dB cache=%s account=%s client=%s\n" % (
        method.encode(),
        shown,
        status,
        sent,
        cache.encode(),
        account.encode(),
        host.encode(),
    )


def _json_request(request: Request) -> bytes:
    method, path, query, host, status, sent, cache, account = request
    fields = json.dumps({"method": method, "path": target(path, query), "status": status})
    return b'%s, "bytes": %d, "cache": %s, "account": %s, "client": %s}\n' % (
        fields[1:-1].encode(),
        sent,
        _json_or_null(cache),
        _json_or_null(account),
        _json_text(host),
    )


# Durations below this many microseconds (cache hits, most API calls) are written from a
# table made once: formatting a float costs more than the rest of a line's pieces.
_TABULATED_MICROS = 5000


class _Format:
    """The pieces of one log format, in the order of a line: the second (``%s``: its ISO
    text) up to the request id, the duration (``%.3f``: milliseconds) after it, then what
    was asked and answered (and to whom)."""

    def __init__(self, json_lines: bool) -> None:
        if json_lines:
            self.stamp = (
                b'{"time": "%sZ", "level": "info", "logger": "imagekit_server.access", '
                b'"request_id": "'
            )
            self.duration = b'", "duration_ms": %.3f, '
            self.request = _Pieces(_json_request)
        else:
            self.stamp = b"%sZ INFO access ["
            self.duration = b"] %.3fms "
            self.request = _Pieces(_text_request)
        # made now (a few ms), not in the first batch, which would wait for it
        self._durations = _Durations(self.duration)

    def durations(self, seconds: list[float]) -> list[bytes]:
        """The duration pieces of ``seconds``, to the microsecond."""
        # float.__round__, not round: round looks the method up and binds it for every value
        micros = map(float.__round__, map(mul, seconds, repeat(1e6)))
        return list(map(self._durations.__getitem__, micros))


class _Durations(dict[int, bytes]):
    """Duration pieces by whole microseconds: those under ``_TABULATED_MICROS`` made once
    (one formatting call), longer ones formatted when asked and not kept (they rarely
    repeat). A dict, not a list, so one slow request does not send its whole batch through
    a Python loop."""

    def __init__(self, piece: bytes) -> None:
        super().__init__(enumerate(_each(piece, [n / 1000 for n in range(_TABULATED_MICROS)])))
        self._piece = piece

    def __missing__(self, micros: int) -> bytes:
        return self._piece % (micros / 1000)


class AccessLog:
    def __init__(self, log_format: str, stream: TextIO | None = None) -> None:
        self._format = _Format(log_format == "json")
        self._stream = stream
        self._unwritten = b""

    def write(self, *batches: Answered) -> None:
        """The batches' lines in the order they were answered, after any the stream refused
        before. Written to the stream's file descriptor, so a failure leaves exactly the
        bytes not written (a buffered writer would keep some of them itself and write them
        twice); its ``OSError`` is raised for the caller to log, and those bytes wait for
        the next call."""
        data = self._unwritten + self.lines(*batches)
        self._unwritten = b""
        stream = self._stream or sys.stderr
        try:
            descriptor = stream.fileno()
        except (AttributeError, OSError, ValueError):  # an in-memory stream
            stream.write(data.decode())
            return
        stream.flush()  # what other log lines left in the text layer goes first
        left = memoryview(data)
        try:
            while left:
                left = left[os.write(descriptor, left) :]
        except OSError:
            self._unwritten = _newest_lines(bytes(left), MAX_UNWRITTEN)
            raise

    def lines(self, *batches: Answered) -> bytes:
        """The lines of one batch, or of several merged by the time each request ended."""
        parts, ended = self._parts(batches[0]), batches[0].ended
        for batch in batches[1:]:
            parts, ended = _merged(parts, ended, self._parts(batch), batch.ended)
        return b"".join(parts)

    def _parts(self, answered: Answered) -> list[bytes]:
        """Four pieces a line: time stamp, id, duration, the rest."""
        form = self._format
        parts: list[bytes] = [b""] * (4 * len(answered.ids))
        parts[1::4] = answered.ids
        parts[2::4] = form.durations(answered.taken)
        parts[3::4] = map(form.request.__getitem__, answered.requests())
        offset = time.time() - time.perf_counter()  # wall-clock time = monotonic + offset
        for start, end, second in _by_second(answered.ended, offset):
            stamp = form.stamp % time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)).encode()
            parts[4 * start : 4 * end : 4] = [stamp] * (end - start)
        return parts


# Up to this many lines of a second batch are put into the first one by one (a few API
# calls or health checks beside the delivery requests: a C ``memmove`` each); more are
# merged by sorting.
_INSERTED_ONE_BY_ONE = 32


def _merged(
    parts: list[bytes], ended: list[float], more: list[bytes], more_ended: list[float]
) -> tuple[list[bytes], list[float]]:
    """Two batches' line pieces (four a line, each batch in time order) in time order."""
    if len(more_ended) <= _INSERTED_ONE_BY_ONE:
        parts, ended = parts[:], ended[:]
        for index in range(len(more_ended)):
            at = bisect_right(ended, more_ended[index])
            parts[4 * at : 4 * at] = more[4 * index : 4 * index + 4]
            ended.insert(at, more_ended[index])
        return parts, ended
    every = parts + more
    times = ended + more_ended
    order = sorted(range(len(times)), key=times.__getitem__)
    merged = list(chain.from_iterable(every[4 * line : 4 * line + 4] for line in order))
    return merged, [times[line] for line in order]


def _newest_lines(data: bytes, limit: int) -> bytes:
    """``data`` (the bytes not written, maybe the rest of a line begun), or past ``limit``
    bytes its last whole lines that fit."""
    if len(data) <= limit:
        return data
    kept = data[-limit:]
    return kept[kept.find(b"\n") + 1 :]


def _each(piece: bytes, values: list[float]) -> list[bytes]:
    """``piece % value`` for each value, in one formatting call (pieces joined by NUL)."""
    joined = (piece + b"\0") * (len(values) - 1) + piece
    return (joined % tuple(values)).split(b"\0")


def _by_second(ended: Sequence[float], offset: float) -> Iterator[tuple[int, int, int]]:
    """(start, end, second): the runs of entries answered within one wall-clock second (they
    are in the order they were answered, so a batch of a quarter second has one or two)."""
    start = 0
    while start < len(ended):
        second = floor(ended[start] + offset)
        end = bisect_left(ended, second + 1 - offset, start + 1)
        yield start, end, second
        start = end


def target(raw_path: bytes, query: bytes) -> str:
    """The request target as sent, secrets in the query replaced, control characters too."""
    if query:
        raw_path += b"?" + b"&".join(map(_redacted, query.split(b"&")))
    text = raw_path.decode("latin-1")
    return text.translate(_CONTROL) if _UNPRINTABLE.search(raw_path) else text


def _redacted(pair: bytes) -> bytes:
    name, equals, _ = pair.partition(b"=")
    return name + b"=***" if equals and name.lower() in SECRET_PARAMS else pair
