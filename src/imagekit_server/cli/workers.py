"""``imagekit-server serve --workers N``: N server processes, each with its own listening
socket on the same port (``SO_REUSEPORT``), so the kernel spreads connections evenly.

uvicorn's own multi-worker mode shares one socket; whichever process wakes first accepts, and
with keep-alive clients one worker can end up holding every connection while the others idle
(measured: 38-90 renders/s for the same load on 2 workers). Separate sockets avoid that.
Each worker opens its own context (migrations are safe to race) and renders on its own pool;
the supervisor restarts a worker that dies and stops them all on SIGTERM/SIGINT.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType

from imagekit_server.runtime.memory_tuning import limit_malloc_arenas
from imagekit_server.runtime.stop_signals import stopping_on_signals
from imagekit_server.settings import Settings

STOP_TIMEOUT = 10.0


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def run_worker(settings: Settings) -> None:
    """One worker process: the app on its own ``SO_REUSEPORT`` socket."""
    import uvicorn

    from imagekit_server.app import create_app
    from imagekit_server.observability.logs import configure_logging
    from imagekit_server.runtime import coalesced_writes

    configure_logging(settings.log_level, settings.log_format)
    limit_malloc_arenas()
    coalesced_writes.install()
    if not settings.render_workers:
        # One render thread per worker process unless configured: processes are what run
        # renders in parallel, and N processes x cores threads would oversubscribe the CPU.
        settings = settings.with_changes(render_workers=1)
    sock = listening_socket(settings.host, settings.port)
    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        log_config=None,  # uvicorn's loggers go through ours (request ids, JSON)
        timeout_graceful_shutdown=5,
        loop="uvloop",
        http="httptools",
        access_log=False,
        # Nothing reads the client address or scheme, and `x-server` names the server: both
        # would only cost time on every request.
        proxy_headers=False,
        server_header=False,
    )
    with stopping_on_signals():  # the app's lifespan cleans up; then exit, not die by signal
        uvicorn.Server(config).run(sockets=[sock])


def run_workers(settings: Settings) -> int:
    """Supervise ``settings.workers`` processes until SIGTERM/SIGINT."""
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    def start() -> BaseProcess:
        process = spawn.Process(target=run_worker, args=(settings,), name="imagekit-worker")
        process.start()
        return process

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    workers = [start() for _ in range(settings.workers)]
    try:
        while not stopping:
            time.sleep(0.2)
            workers = [worker if worker.is_alive() else start() for worker in workers]
    finally:
        for worker in workers:
            worker.terminate()  # SIGTERM: uvicorn shuts down gracefully
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()
                worker.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
