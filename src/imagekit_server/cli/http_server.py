"""The HTTP server of one serving process: granian (Rust HTTP/1.1) running the ASGI app on this
process's uvloop, on its own ``SO_REUSEPORT`` listening socket.

Why granian: measured side by side on derived-cache hits (bench/asgi_servers.py, results in
bench/README.md), it answers the same app with less CPU per request than uvicorn with httptools
and far more than hypercorn, because HTTP parsing, keep-alive and the socket writes happen in
Rust, outside the interpreter. Its embedded server keeps the event loop, the process and the
signals ours: ``serve --workers`` stays our supervisor (cli/workers.py), and the app's lifespan
runs in this process as under any ASGI server.

SIGTERM/SIGINT stop accepting, let requests in flight finish (up to ``STOP_TIMEOUT``), run the
app's lifespan shutdown, then return; the caller's clean-up follows (process lease, temp files).
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

STOP_TIMEOUT = 5  # seconds the requests in flight get once a stop signal arrives
BACKLOG = 2048

# granian's own logger: errors only (its "embedded server is experimental" notice would be a
# warning on every start), through our handlers (request ids, JSON) instead of its stdout ones.
_LOGGING: dict[str, Any] = {
    "loggers": {"_granian": {"handlers": [], "propagate": True}},
}


def serve(app: Any, host: str, port: int) -> None:
    """Serve ``app`` on ``host:port`` until SIGTERM or SIGINT."""
    import uvloop

    uvloop.run(_serve(app, host, port))


async def _serve(app: Any, host: str, port: int) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels
    from granian.server.embed import Server

    server = Server(
        app,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        http=HTTPModes.http1,
        websockets=False,
        backlog=BACKLOG,
        log_level=LogLevels.error,
        log_dictconfig=_LOGGING,
    )
    server.workers_kill_timeout = STOP_TIMEOUT  # not a parameter of the embedded server
    loop = asyncio.get_running_loop()
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    for signum in previous:
        loop.add_signal_handler(signum, server.signal_handler_interrupt)
    try:
        await server.serve()
    finally:
        for signum, handler in previous.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, handler)  # the caller's (runtime/stop_signals.py), not SIG_DFL
