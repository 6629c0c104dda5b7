"""Real peers for origin tests on 127.0.0.1: a web folder (a plain HTTP file server that logs
the requests it answers), a port nobody listens on, and a server that accepts connections
but never answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class RequestLog:
    entries: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # While set, every answer waits this long first (an origin gone slow).
    stall: threading.Event = field(default_factory=threading.Event)
    stall_seconds: float = 5.0

    def add(self, path: str, headers: dict[str, str]) -> None:
        with self.lock:
            self.entries.append((path, headers))

    def for_path(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for logged, headers in self.entries if logged == path]


class _LoggingHandler(SimpleHTTPRequestHandler):
    log: RequestLog

    def __init__(self, *args: Any, log: RequestLog, **kwargs: Any) -> None:
        self.log = log
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self.log.add(self.path, {k.lower(): v for k, v in self.headers.items()})
        if self.log.stall.is_set():
            time.sleep(self.log.stall_seconds)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


@dataclass
class WebFolder:
    root: Path
    base_url: str
    log: RequestLog


@contextmanager
def web_folder(root: Path) -> Iterator[WebFolder]:
    log = RequestLog()
    handler = partial(_LoggingHandler, directory=str(root), log=log)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield WebFolder(root, f"http://127.0.0.1:{server.server_address[1]}", log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    """A port with (very probably) nothing listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def silent_server() -> Iterator[str]:
    """Accepts TCP connections (the kernel does, via the backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
