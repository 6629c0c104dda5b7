"""``imagekit-server serve --workers N``: N server processes, each with its own listening
socket on the same port (``SO_REUSEPORT``), so the kernel spreads connections evenly.

A single shared socket lets whichever process wakes first accept, and with keep-alive clients
one worker can end up holding every connection while the others idle (measured with uvicorn:
38-90 renders/s for the same load on 2 workers). Separate sockets avoid that; granian opens
one per process (cli/http_server.py).
Each worker opens its own context (migrations are safe to race) and renders on its own pool;
the supervisor restarts a worker that dies and stops them all on SIGTERM/SIGINT.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from multiprocessing.process import BaseProcess
from types import FrameType

from imagekit_server.abuse.rate_limits import share_between_processes
from imagekit_server.runtime.memory_tuning import limit_malloc_arenas
from imagekit_server.runtime.stop_signals import stopping_on_signals
from imagekit_server.settings import Settings

STOP_TIMEOUT = 10.0


def run_worker(settings: Settings) -> None:
    """One worker process: the app under granian on its own ``SO_REUSEPORT`` socket."""
    with stopping_on_signals():  # the app's lifespan cleans up; then exit, not die by signal
        from imagekit_server.app import create_app
        from imagekit_server.cli import http_server
        from imagekit_server.observability.logs import configure_logging

        configure_logging(settings.log_level, settings.log_format)
        limit_malloc_arenas()
        if not settings.render_workers:
            # One render thread per worker process unless configured: processes are what run
            # renders in parallel, and N processes x cores threads would oversubscribe the CPU.
            settings = settings.with_changes(render_workers=1)
        http_server.serve(create_app(settings), settings.host, settings.port)


def run_workers(settings: Settings) -> int:
    """Supervise ``settings.workers`` processes until SIGTERM/SIGINT."""
    # Forked from a supervisor that has imported nothing heavy and runs no threads: no fresh
    # interpreter to start per worker, and no multiprocessing resource tracker process (spawn
    # starts one, 12 MB).
    fork = multiprocessing.get_context("fork")
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    def start() -> BaseProcess:
        process = fork.Process(target=run_worker, args=(settings,), name="imagekit-worker")
        process.start()
        return process

    share_between_processes()  # rate limits hold for the whole server, not per worker
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    workers = [start() for _ in range(settings.workers)]
    try:
        while not stopping:
            time.sleep(0.2)
            workers = [worker if worker.is_alive() else start() for worker in workers]
    finally:
        for worker in workers:
            worker.terminate()  # SIGTERM: the HTTP server shuts down gracefully
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()
                worker.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
