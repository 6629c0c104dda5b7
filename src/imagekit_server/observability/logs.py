"""Process-wide logging: one handler on stderr, plain text or JSON lines, each line with the
id of the request it was written for (``-`` outside requests). the HTTP server's own loggers
propagate to it (cli/http_server.py)."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, TextIO

from imagekit_server.observability.request_context import current_request_id

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
_TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# LogRecord attributes that are not extra fields given by the caller.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class TextFormatter(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_timestamp(record.created)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request_id, message, any ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": utc_timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in record.__dict__.items() if k not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


_second_text: tuple[int, str] = (0, "1970-01-01T00:00:00")


def utc_timestamp(seconds: float) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. ``2026-12-04T13:50:01.123Z`` (the text of the
    current second is kept: access-log lines come thousands to a second)."""
    global _second_text
    whole = int(seconds)
    if _second_text[0] != whole:
        _second_text = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{_second_text[1]}.{int((seconds - whole) * 1000):03d}Z"


def configure_logging(level: str, log_format: str, stream: TextIO | None = None) -> None:
    """Replace the root logger's handlers with one that writes ``log_format`` to ``stream``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter(_TEXT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # libvips narrates every operation at info level: only its warnings, unless debugging.
    logging.getLogger("pyvips").setLevel(logging.DEBUG if level == "debug" else logging.WARNING)
