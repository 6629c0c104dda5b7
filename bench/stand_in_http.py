"""A stand-in for the socket under uvicorn's HTTP protocol, for benchmarks that count a
request's instructions in one process (callgrind): the app runs as a worker runs it, minus
the kernel's socket work, which is the same whatever the app does."""

from __future__ import annotations

import asyncio
from typing import Any


class CountingTransport(asyncio.Transport):
    """Accepts whatever the protocol writes and counts the bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        peers = {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8080)}
        return peers.get(name, default)

    def write(self, data: Any) -> None:
        self.written += len(data)

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def close(self) -> None:
        pass


def raw_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """An HTTP/1.1 request as the client sends it."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1:8080"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def worker_protocol(app: Any) -> tuple[Any, Any]:
    """uvicorn's httptools protocol for ``app`` and its server state, configured as a worker
    serves (no proxy headers, no server header, no uvicorn access log). Call it once the event
    loop is set: the protocol takes the current loop."""
    import uvicorn
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    from uvicorn.server import ServerState

    config = uvicorn.Config(
        app,
        loop="none",
        http="httptools",
        log_config=None,
        proxy_headers=False,
        server_header=False,
    )
    config.access_log = False
    config.load()
    state = ServerState()
    return HttpToolsProtocol(config=config, server_state=state, app_state={}), state
