"""The README's five-minute tour runs as written against the real server (docs that are checked)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyvips

from tests.fixtures.live_server import LiveServer

README = Path(__file__).parents[2] / "README.md"


def tour_code() -> str:
    section = README.read_text("utf-8").split("## Five-minute tour", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the tour has a python block"
    return match.group(1)


def test_readme_tour_runs_against_the_server(
    tmp_path: Path, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory()
    (tmp_path / "tour.py").write_text(tour_code(), "utf-8")
    photo = pyvips.Image.xyz(640, 480)[0].cast("uchar").bandjoin([90, 160])
    photo.jpegsave(str(tmp_path / "photo.jpg"))
    env = {
        **os.environ,
        "IMAGEKIT_PUBLIC_KEY": server.public_key,
        "IMAGEKIT_PRIVATE_KEY": server.private_key,
        "IMAGEKIT_URL_ENDPOINT": server.url_endpoint,
        "IMAGEKIT_API_BASE_URL": server.base_url,
        "IMAGEKIT_UPLOAD_BASE_URL": server.base_url,
    }
    result = subprocess.run(
        [sys.executable, "tour.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[1:] == ["/tour/photo.jpg", "640", "480"]
    assert lines[1] == f"{server.url_endpoint}/tr:w-300,h-200:rt-90/tour/photo.jpg"
    assert lines[2] == "200 image/jpeg"
    assert lines[3:] == ["signed: 200", "unsigned: 401", "['photo.jpg']"]
