"""ASGI servers side by side on derived-cache hits, against nginx serving the same bytes.

    .venv/bin/python bench/asgi_servers.py                      # 3 rounds x 5 s
    .venv/bin/python bench/asgi_servers.py --rounds 5 --seconds 4 --servers granian uvicorn

Every system runs one process per core and gets the same wrk load (2 threads, 32 connections,
one URL): nginx serving the bytes as a static file (the reference), a bare ASGI app answering
the bytes from memory, and our app answering a warmed derived-cache hit of `w-400,q-80` (the
2.3 MP photo of bench/transform/photos.py), under each server: uvicorn (uvloop + httptools, one
`SO_REUSEPORT` socket per process, as `serve` ran it until 2026-12-04), granian (its own
workers, HTTP/1, uvloop), hypercorn (uvloop workers; only if installed) and `imagekit-server
serve --workers N` itself. Rounds are interleaved; each row is the best round's rate with its
p99, the ratio to nginx static in that round, and the server's CPU time per request (its whole
process tree), which drifts far less than the rate on a shared machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.transform.load import tree_cpu_seconds, wrk
from bench.transform.photos import photos
from bench.transform.servers import ImagekitServer, Nginx, free_port, stop, wait_for

CORES = os.cpu_count() or 1
HEADERS = {"Accept": "image/jpeg"}
CHAIN = "w-400,q-80"
PUBLIC_KEY = {"IMAGEKIT_PUBLIC_KEY": "public_bench"}

BARE_APP = """
from pathlib import Path

BODY = Path(__file__).with_name("body.bin").read_bytes()
START = {"type": "http.response.start", "status": 200,
         "headers": [(b"content-type", b"image/jpeg"), (b"content-length", b"%d" % len(BODY))]}
MESSAGE = {"type": "http.response.body", "body": BODY}


async def app(scope, receive, send):
    if scope["type"] == "http":
        await send(START)
        await send(MESSAGE)
"""

OUR_APP = """
from imagekit_server.app import create_app
from imagekit_server.runtime.memory_tuning import limit_malloc_arenas
from imagekit_server.settings import Settings


def app():
    limit_malloc_arenas()
    return create_app(Settings.from_env(migrate_on_start=False, render_workers=1))
"""


def _uvicorn_process(target: str, app_dir: str, port: int, factory: bool) -> None:
    import uvicorn

    sys.path.insert(0, app_dir)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    config = uvicorn.Config(
        target, factory=factory, loop="uvloop", http="httptools", access_log=False,
        proxy_headers=False, server_header=False, log_level="warning", lifespan="on",
    )  # fmt: skip
    uvicorn.Server(config).run(sockets=[sock])


def uvicorn_workers(target: str, app_dir: Path, port: int, factory: bool) -> None:
    """``CORES`` uvicorn processes, one ``SO_REUSEPORT`` socket each (as `serve` ran them)."""
    spawn = multiprocessing.get_context("spawn")
    processes = [
        spawn.Process(target=_uvicorn_process, args=(target, str(app_dir), port, factory))
        for _ in range(CORES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


class Launched:
    """A server command in its own process group, waited for on ``url``."""

    def __init__(self, command: list[str], url: str, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=cwd, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=(cwd / f"{free_port()}.log").open("wb"),
        )  # fmt: skip
        self.url = url
        for _ in range(3):  # an app still starting may accept and not answer within wait_for's 1 s
            try:
                wait_for(url, self.process)
                break
            except requests.Timeout:
                continue

    def stop(self) -> None:
        stop(self.process)


def launch(server: str, app: str, workdir: Path, env: dict[str, str], path: str) -> Launched:
    port = free_port()
    url = f"http://127.0.0.1:{port}{path}"
    target, factory = ("bare_app:app", False) if app == "bare" else ("our_app:app", True)
    if server == "granian":
        command = [sys.executable, "-m", "granian", target, "--interface", "asgi",
                   "--port", str(port), "--workers", str(CORES), "--loop", "uvloop",
                   "--http", "1", "--no-ws", "--log-level", "error"]  # fmt: skip
        command += ["--factory"] if factory else []
    elif server == "uvicorn":
        program = (
            f"import sys; sys.path.insert(0, {str(Path(__file__).parent.parent)!r}); "
            "from bench.asgi_servers import uvicorn_workers; "
            f"uvicorn_workers({target!r}, __import__('pathlib').Path({str(workdir)!r}), "
            f"{port}, {factory})"
        )
        command = [sys.executable, "-c", program]
    else:  # hypercorn
        command = [sys.executable, "-m", "hypercorn", target + ("()" if factory else ""),
                   "--bind", f"127.0.0.1:{port}", "--workers", str(CORES), "--worker-class",
                   "uvloop", "--log-level", "error"]  # fmt: skip
    return Launched(command, url, {**env, "PYTHONPATH": _pythonpath(workdir)}, workdir)


def _pythonpath(workdir: Path) -> str:
    return os.pathsep.join(p for p in (str(workdir), os.environ.get("PYTHONPATH", "")) if p)


def measure(url: str, pid: int | None, seconds: float) -> tuple[float, float, float | None]:
    """(requests per second, p99 ms, server CPU µs per request)."""
    before = tree_cpu_seconds(pid) if pid else 0.0
    result = wrk(url, 32, seconds, HEADERS)
    cpu = (tree_cpu_seconds(pid) - before) * 1e6 / max(1, result.requests) if pid else None
    return result.requests_per_second, result.p99_ms, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", nargs="+", default=["granian", "uvicorn", "hypercorn"])
    args = parser.parse_args()
    servers = [s for s in args.servers if importlib.util.find_spec(s) is not None]
    photo = photos()["2.3MP"]
    with tempfile.TemporaryDirectory(prefix="ik-asgi-") as temp:
        workdir = Path(temp)
        ours = ImagekitServer(
            workdir, workers=CORES, render_workers=1, cache=True, extra_env=PUBLIC_KEY
        )
        stops: list[Callable[[], None]] = [ours.stop]
        try:
            ours.upload(photo.name, photo.read_bytes())
            path = f"/demo/tr:{CHAIN}/{photo.name}"
            body = requests.get(ours.base_url + path, headers=HEADERS, timeout=60).content
            (workdir / "body.bin").write_bytes(body)
            (workdir / "bare_app.py").write_text(BARE_APP)
            (workdir / "our_app.py").write_text(OUR_APP)
            static = workdir / "static"
            (static / "demo").mkdir(parents=True)
            (static / "demo" / "photo.jpg").write_bytes(body)
            nginx = Nginx(workdir, ours.port, static)
            stops.append(nginx.stop)
            env = {"IMAGEKIT_DATA_DIR": str(workdir / f"imagekit-{ours.port}")}
            env |= _server_env(ours)
            systems: dict[str, tuple[str, int | None]] = {
                "nginx static file": (f"http://127.0.0.1:{nginx.static_port}/demo/photo.jpg",
                                      nginx.process.pid),
                f"imagekit-server serve --workers {CORES} (shipped)":
                    (ours.base_url + path, ours.process.pid),
            }  # fmt: skip
            for server in servers:
                for app, app_path in (("bare", "/demo/photo.jpg"), ("ours", path)):
                    launched = launch(server, app, workdir, env, app_path)
                    stops.append(launched.stop)
                    label = "bare ASGI app" if app == "bare" else "our app, cache hit"
                    systems[f"{server}: {label}"] = (launched.url, launched.process.pid)
            for url, _ in systems.values():
                for _ in range(20):  # every worker has the variant in memory
                    requests.get(url, headers=HEADERS, timeout=60).raise_for_status()
            rounds = []
            for _ in range(args.rounds):
                rounds.append({name: measure(url, pid, args.seconds)
                               for name, (url, pid) in systems.items()})  # fmt: skip
        finally:
            for stopper in reversed(stops):
                stopper()
    print(f"| system ({CORES} processes each) | best req/s | p99 ms | / nginx static, per round "
          "| CPU µs/req (median) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name in rounds[0]:
        best = max((r[name] for r in rounds), key=lambda m: m[0])
        ratios = ", ".join(f"{r[name][0] / r['nginx static file'][0]:.2f}" for r in rounds)
        cpus = sorted(r[name][2] for r in rounds if r[name][2] is not None)
        cpu = f"{cpus[len(cpus) // 2]:.0f}" if cpus else ""
        print(f"| {name} | {best[0]:,.0f} | {best[1]:.1f} | {ratios} | {cpu} |")
    return 0


def _server_env(server: ImagekitServer) -> dict[str, str]:
    return {"IMAGEKIT_ID": "demo", "IMAGEKIT_PRIVATE_KEY": server.private_key, **PUBLIC_KEY}


if __name__ == "__main__":
    raise SystemExit(main())
