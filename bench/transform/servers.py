"""Start and stop the servers under test, each on a free 127.0.0.1 port in a temp directory."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
THUMBOR_VENV = ROOT / "bench" / ".venvs" / "thumbor"
NGINX_CONF = ROOT / "deploy" / "nginx" / "imagekit.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise TimeoutError(url)


def listeners(port: int) -> int:
    """How many sockets listen on ``port`` (one per ``SO_REUSEPORT`` worker)."""
    output = subprocess.run(
        ["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    return len(output.splitlines())


def wait_for_listeners(port: int, count: int, timeout: float = 60.0) -> None:
    """A multi-worker server answers once its first worker is up; measuring before the others
    are would send every connection to that one."""
    deadline = time.monotonic() + timeout
    while listeners(port) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count} listeners on port {port}")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's whole group (thumbor forks its --processes), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # children that outlived their parent


class ImagekitServer:
    """``imagekit-server serve`` with SQLite + local blobs."""

    def __init__(
        self,
        workdir: Path,
        workers: int,
        render_workers: int,
        cache: bool,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.private_key = f"private_{secrets.token_hex(8)}"
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "IMAGEKIT_ID": "demo",
            "IMAGEKIT_PRIVATE_KEY": self.private_key,
            "IMAGEKIT_PUBLIC_KEY": f"public_{secrets.token_hex(8)}",
            "IMAGEKIT_WORKERS": str(workers),
            "IMAGEKIT_RENDER_WORKERS": str(render_workers),
            "IMAGEKIT_DERIVED_CACHE": "true" if cache else "false",
            **(extra_env or {}),
        }
        data_dir = workdir / f"imagekit-{self.port}"
        command = [sys.executable, "-m", "imagekit_server.cli", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(workdir / f"imagekit-{self.port}.log").open("wb"),
            start_new_session=True,
        )
        wait_for(f"{self.base_url}/healthz", self.process)
        wait_for_listeners(self.port, workers)

    def upload(self, name: str, data: bytes) -> str:
        parts: dict[str, tuple[str | None, bytes | str]] = {
            "file": (name, data),
            "fileName": (None, name),
            "useUniqueFileName": (None, "false"),
        }
        response = requests.post(
            f"{self.base_url}/api/v1/files/upload",
            files=parts,
            auth=(self.private_key, ""),
            timeout=60,
        )
        response.raise_for_status()
        return f"{self.base_url}/demo/{name}"

    def stop(self) -> None:
        stop(self.process)


class ThumborServer:
    """thumbor from its own virtualenv: file loader, no storage, no result storage."""

    def __init__(self, workdir: Path, images: Path, threads: int, processes: int) -> None:
        thumbor = THUMBOR_VENV / "bin" / "thumbor"
        if not thumbor.exists():
            subprocess.run([sys.executable, "-m", "venv", str(THUMBOR_VENV)], check=True)
            subprocess.run([str(THUMBOR_VENV / "bin" / "pip"), "install", "thumbor"], check=True)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = workdir / f"thumbor-{self.port}.conf"
        config.write_text(
            "\n".join(
                [
                    "LOADER = 'thumbor.loaders.file_loader'",
                    f"FILE_LOADER_ROOT_PATH = {str(images)!r}",
                    "STORAGE = 'thumbor.storages.no_storage'",
                    "RESULT_STORAGE = None",
                    f"ENGINE_THREADPOOL_SIZE = {threads}",
                    "QUALITY = 80",
                    "ALLOW_UNSAFE_URL = True",
                    "MAX_AGE = 0",
                ]
            )
        )
        self.process = subprocess.Popen(
            [
                str(thumbor),
                "-p",
                str(self.port),
                "-i",
                "127.0.0.1",
                "-c",
                str(config),
                "-l",
                "error",
            ]
            + (["--processes", str(processes)] if processes > 1 else []),
            stdout=subprocess.DEVNULL,
            stderr=(workdir / f"thumbor-{self.port}.log").open("wb"),
            start_new_session=True,
        )
        wait_for(f"{self.base_url}/healthcheck", self.process)

    def url(self, name: str) -> str:
        return f"{self.base_url}/unsafe/400x0/{name}"

    def stop(self) -> None:
        stop(self.process)


class Nginx:
    """deploy/nginx/imagekit.conf in front of ``upstream_port`` plus a static server for
    ``static_root``; runs with a temp prefix, never the system service."""

    def __init__(self, workdir: Path, upstream_port: int, static_root: Path) -> None:
        prefix = workdir / "nginx"
        for name in ("logs", "cache", "tmp"):
            (prefix / name).mkdir(parents=True, exist_ok=True)
        self.port, self.static_port = free_port(), free_port()
        front = (
            NGINX_CONF.read_text()
            .replace("127.0.0.1:8000", f"127.0.0.1:{upstream_port}")
            .replace("/var/cache/nginx/imagekit", str(prefix / "cache"))
            .replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{self.port}")
        )
        (prefix / "imagekit.conf").write_text(front)
        temp = prefix / "tmp"
        (prefix / "nginx.conf").write_text(
            f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 2;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    types {{ image/jpeg jpg; }}
    include {prefix}/imagekit.conf;
    server {{ listen 127.0.0.1:{self.static_port}; root {static_root}; }}
}}
"""
        )
        self.process = subprocess.Popen(
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{self.static_port}/", self.process)

    def stop(self) -> None:
        stop(self.process)


BARE_APP = """
from pathlib import Path
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(__file__).with_name("body.bin").read_bytes()


async def hit(request):
    return Response(BODY, media_type="image/jpeg")


app = Starlette(routes=[Route("/{path:path}", hit)])
"""


class BareStarlette:
    """The issue's point of reference: a bare Starlette handler returning ``body`` from
    memory under uvicorn (uvloop, httptools, no access log) with ``workers`` processes."""

    def __init__(self, workdir: Path, body: bytes, workers: int) -> None:
        app_dir = workdir / "bare-starlette"
        app_dir.mkdir(parents=True, exist_ok=True)
        (app_dir / "body.bin").write_bytes(body)
        (app_dir / "bare_app.py").write_text(BARE_APP)
        self.port = free_port()
        command = [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(app_dir)]
        options = ["--port", str(self.port), "--workers", str(workers), "--no-access-log"]
        self.process = subprocess.Popen(
            [*command, *options, "--loop", "uvloop", "--http", "httptools"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}/demo/photo.jpg"
        wait_for(self.url, self.process)

    def stop(self) -> None:
        stop(self.process)
