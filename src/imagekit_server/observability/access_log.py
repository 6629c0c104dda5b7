"""The access log: one line per request (method, path, status, bytes, duration, cache layer,
account, client, request id), plain text or JSON like the other log lines.

A request only appends a tuple; ``flush`` formats and writes the lines in one write, from the
server's flush task a few times a second (and when many are waiting). Formatting and writing
a line per request would cost the delivery hot path several percent of its throughput.
Signed URLs' signatures and secret-looking query values are written as ``***``.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from typing import TextIO

from imagekit_server.observability.logs import utc_timestamp

# (time, request id, method, raw path, query, status, bytes, seconds, cache, account, client)
Entry = tuple[float, bytes, str, bytes, bytes, int, int, float, str, str, str]

FLUSH_AT = 512  # entries waiting before a request writes them itself
SECRET_PARAMS = frozenset({b"ik-s", b"token", b"signature", b"password", b"private_key", b"key"})
_CONTROL = {code: "?" for code in (*range(0x20), 0x7F)}
_UNPRINTABLE = re.compile(rb"[\x00-\x1f\x7f]")


class AccessLog:
    def __init__(self, log_format: str, stream: TextIO | None = None) -> None:
        self._json = log_format == "json"
        self._stream = stream
        self._entries: list[Entry] = []
        self._lock = threading.Lock()  # flushes may come from the loop and from shutdown

    def add(self, entry: Entry) -> None:
        self._entries.append(entry)
        if len(self._entries) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            entries, self._entries = self._entries, []
            if not entries:
                return
            text = "".join(map(self._json_line, entries)) if self._json else _text_lines(entries)
            stream = self._stream or sys.stderr
            stream.write(text)
            stream.flush()

    @staticmethod
    def _json_line(entry: Entry) -> str:
        at, request_id, method, path, query, status, sent, seconds, cache, account, client = entry
        line = {
            "time": utc_timestamp(at),
            "level": "info",
            "logger": "imagekit_server.access",
            "request_id": request_id.decode("ascii"),
            "method": method,
            "path": target(path, query),
            "status": status,
            "bytes": sent,
            "duration_ms": round(seconds * 1000, 2),
            "cache": cache or None,
            "account": account or None,
            "client": client,
        }
        return json.dumps(line) + "\n"


_TEXT_LINE = "%s.%03dZ INFO access [%s] %s %s %d %dB %.1fms cache=%s account=%s client=%s\n"


def _text_lines(entries: list[Entry]) -> str:
    """One loop, one format operation per line and the timestamp text made once a second:
    this runs for every request the server answers."""
    lines: list[str] = []
    append = lines.append
    second, stamp = -1, ""
    unprintable = _UNPRINTABLE.search
    for (
        at,
        request_id,
        method,
        path,
        query,
        status,
        sent,
        seconds,
        cache,
        account,
        client,
    ) in entries:
        whole = int(at)
        if whole != second:
            second, stamp = whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        shown = target(path, query) if query or unprintable(path) else path.decode("latin-1")
        append(
            _TEXT_LINE
            % (
                stamp,
                (at - whole) * 1000,
                request_id.decode("ascii"),
                method,
                shown,
                status,
                sent,
                seconds * 1000,
                cache or "-",
                account or "-",
                client,
            )
        )
    return "".join(lines)


def target(raw_path: bytes, query: bytes) -> str:
    """The request target as sent, secrets in the query replaced, control characters too."""
    if query:
        raw_path += b"?" + b"&".join(map(_redacted, query.split(b"&")))
    text = raw_path.decode("latin-1")
    return text.translate(_CONTROL) if _UNPRINTABLE.search(raw_path) else text


def _redacted(pair: bytes) -> bytes:
    name, equals, _ = pair.partition(b"=")
    return name + b"=***" if equals and name.lower() in SECRET_PARAMS else pair
