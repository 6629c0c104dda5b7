"""A TCP proxy on 127.0.0.1 that can cut a connection mid-response (to test stream resumption)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType

_BUFFER = 64 << 10


class CuttingProxy:
    """Forwards connections to ``upstream``; the next connection accepted after ``arm(n)`` is
    closed once ``n`` bytes of response have gone back to the client."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self._upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._cut_after: int | None = None
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.connections = 0
        self._start(self._accept_loop)

    @property
    def endpoint(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def arm(self, cut_after: int) -> None:
        with self._lock:
            self._cut_after = cut_after

    def close(self) -> None:
        _shut(self._listener)  # shutdown() is what wakes a thread blocked in accept()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)
        for thread in list(self._threads):
            thread.join(timeout=10)

    def __enter__(self) -> CuttingProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:  # the listener was closed
                return
            upstream = socket.create_connection(self._upstream)
            with self._lock:
                cut_after, self._cut_after = self._cut_after, None
                self._sockets += [client, upstream]
                self.connections += 1
            self._start(self._pump, client, upstream, None)
            self._start(self._pump, upstream, client, cut_after)

    def _pump(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while limit is None or sent < limit:
                want = _BUFFER if limit is None else min(_BUFFER, limit - sent)
                data = source.recv(want)
                if not data:
                    break
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            _shut(source)
            _shut(sink)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
