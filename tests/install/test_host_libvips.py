"""A fresh install on a host with Debian's libvips-dev runs on the bundled libvips.

On such a host pip builds pyvips from source against the system libvips (8.14 on Debian 12),
and the compiled module it makes replaces pyvips-binary's (libvips/binding.py). This test does
what a new user does, in a scratch copy of the project: ``make install`` (the hashed lock, then
the project). It then rebuilds pyvips against the host, as pip does on a host whose pip cache
holds no pyvips wheel yet, and expects ``serve`` to refuse to start and say what to do; then
``make install`` again, which must put the bundled libvips back, and ``serve`` to upload and
transform real images.

Slow (a virtualenv and a full install; minutes with a cold pip cache) and it needs the host
package: the test installs ``libvips-dev`` with apt-get when it runs as root (as CI does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyvips
import requests

from tests.fixtures.live_server import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# What `make install` reads.
PROJECT_FILES = ("pyproject.toml", "requirements.lock", "Makefile", "README.md", "scripts", "src")
INSTALL_TIMEOUT = 1200


def _host_has_libvips_dev() -> bool:
    found = shutil.which("pkg-config") is not None and (
        subprocess.run(["pkg-config", "--exists", "vips"], check=False).returncode == 0
    )
    return found


def _ensure_libvips_dev() -> str:
    if not _host_has_libvips_dev():
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.fail("this test needs libvips-dev on the host: `apt-get install libvips-dev`")
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "libvips-dev", "pkg-config"],
            check=True,
            capture_output=True,
            timeout=INSTALL_TIMEOUT,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    version = subprocess.run(
        ["pkg-config", "--modversion", "vips"], check=True, capture_output=True, text=True
    )
    return version.stdout.strip()


@pytest.fixture(scope="module")
def scratch_install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the project with its own .venv made by `make install`."""
    _ensure_libvips_dev()
    project = tmp_path_factory.mktemp("fresh-clone")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("*.egg-info"))
        else:
            shutil.copy2(source, project / name)
    _make_install(project)
    yield project


def _make_install(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    (project / "requirements.lock").touch()  # newer than the stamp: make installs again
    subprocess.run(
        ["make", "install", f"PYTHON={sys.executable}"],
        cwd=project,
        env=env,
        check=True,
        timeout=INSTALL_TIMEOUT,
        capture_output=True,
    )


def _build_pyvips_against_the_host(project: Path) -> None:
    """What pip does on a host with libvips-dev and no cached pyvips wheel."""
    python = project / ".venv" / "bin" / "python"
    subprocess.run(
        [
            *(str(python), "-m", "pip", "install", "-q", "--no-cache-dir", "--no-deps"),
            *("--force-reinstall", "--no-binary", "pyvips", f"pyvips=={_locked('pyvips')}"),
        ],
        check=True,
        timeout=INSTALL_TIMEOUT,
        capture_output=True,
    )


def _locked(name: str) -> str:
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.startswith(f"{name}=="):
            return line.split("==")[1].split()[0]
    raise AssertionError(f"{name} is not in requirements.lock")


def _serve(project: Path, data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMAGEKIT_", "DATABASE_"))}
    env.update(IMAGEKIT_PRIVATE_KEY="private_host", IMAGEKIT_PUBLIC_KEY="public_host")
    return subprocess.Popen(
        [
            *(str(project / ".venv/bin/imagekit-server"), "serve", "--port", str(port)),
            *("--data-dir", str(data_dir)),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_ready(process: subprocess.Popen[str], base_url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.communicate()[0]}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


def _image(suffix: str) -> bytes:
    image = pyvips.Image.black(120, 80, bands=3).new_from_image([200, 40, 10])
    return bytes(image.cast("uchar").write_to_buffer(suffix))


def test_serve_refuses_the_hosts_old_libvips_and_says_what_to_do(
    scratch_install: Path, tmp_path: Path
) -> None:
    _build_pyvips_against_the_host(scratch_install)
    process = _serve(scratch_install, tmp_path / "data", free_port())
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 3, output
    assert f"libvips {_ensure_libvips_dev()} (host build that replaced" in output, output
    assert "jpegload(revalidate)" in output and "pngsave_buffer(keep)" in output, output
    assert "run `make install` again" in output, output


def test_make_install_puts_the_bundled_libvips_back_and_the_server_works(
    scratch_install: Path, tmp_path: Path
) -> None:
    _build_pyvips_against_the_host(scratch_install)
    _make_install(scratch_install)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = _serve(scratch_install, tmp_path / "data", port)
    try:
        _wait_ready(process, base_url)
        for name, suffix in (("photo.jpg", ".jpg"), ("drawing.png", ".png")):
            response = requests.post(
                f"{base_url}/api/v1/files/upload",
                auth=("private_host", ""),
                files={"file": (name, _image(suffix))},
                data={"fileName": name, "useUniqueFileName": "false"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            assert (response.json()["width"], response.json()["height"]) == (120, 80)
        for name in ("photo.jpg", "drawing.png"):
            rendered = requests.get(f"{base_url}/demo/tr:w-40/{name}", timeout=30)
            assert rendered.status_code == 200, rendered.headers.get("ik-error")
            assert pyvips.Image.new_from_buffer(rendered.content, "").width == 40
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"libvips {pyvips.version(0)}.{pyvips.version(1)}" in output, output
    assert "(pyvips-binary)" in output, output
