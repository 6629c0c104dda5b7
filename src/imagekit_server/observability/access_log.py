"""The access log: one line per request (method, path, status, bytes, duration, cache layer,
account, client, request id), plain text or JSON like the other log lines.

A request only appends a tuple; ``flush`` formats and writes the lines in one write, from the
server's flush task a few times a second (and when many are waiting). Formatting and writing
a line per request would cost the delivery hot path several percent of its throughput.
Signed URLs' signatures and secret-looking query values are written as ``***``.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import TextIO

from imagekit_server.observability.logs import utc_timestamp

# (time, request id, method, raw path, query, status, bytes, seconds, cache, account, client)
Entry = tuple[float, str, str, bytes, bytes, int, int, float, str, str, str]

FLUSH_AT = 512  # entries waiting before a request writes them itself
SECRET_PARAMS = frozenset({b"ik-s", b"token", b"signature", b"password", b"private_key", b"key"})
_CONTROL = {code: "?" for code in (*range(0x20), 0x7F)}


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
            format_line = self._json_line if self._json else self._text_line
            stream = self._stream or sys.stderr
            stream.write("".join(map(format_line, entries)))
            stream.flush()

    @staticmethod
    def _text_line(entry: Entry) -> str:
        at, request_id, method, path, query, status, sent, seconds, cache, account, client = entry
        return (
            f"{utc_timestamp(at)} INFO access [{request_id}] {method} {target(path, query)} "
            f"{status} {sent}B {seconds * 1000:.1f}ms cache={cache or '-'} "
            f"account={account or '-'} client={client}\n"
        )

    @staticmethod
    def _json_line(entry: Entry) -> str:
        at, request_id, method, path, query, status, sent, seconds, cache, account, client = entry
        line = {
            "time": utc_timestamp(at),
            "level": "info",
            "logger": "imagekit_server.access",
            "request_id": request_id,
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


def target(raw_path: bytes, query: bytes) -> str:
    """The request target as sent, secrets in the query replaced, control characters too."""
    text = raw_path.decode("latin-1")
    if query:
        text += "?" + b"&".join(map(_redacted, query.split(b"&"))).decode("latin-1")
    return text.translate(_CONTROL)


def _redacted(pair: bytes) -> bytes:
    name, equals, _ = pair.partition(b"=")
    return name + b"=***" if equals and name.lower() in SECRET_PARAMS else pair
