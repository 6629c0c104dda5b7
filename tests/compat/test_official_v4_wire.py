"""What our SDK hands to ``requests`` is what the official 4.x handed to it: users' tests mock
HTTP and compare request bodies. JSON bodies are the same ``str``; in-memory and small uploads
the same ``bytes`` (4.x's boundary included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.compat.conftest import SCRIPTS
from tests.compat.environments import REPO_ROOT, run_scenario
from tests.compat.samples import SampleImages

SCRIPT = SCRIPTS / "wire_capture.py"


def _ours(config: dict[str, Any]) -> list[dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "capture"],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
        cwd=SCRIPT.parent,
    )
    found: list[dict[str, Any]] = json.loads(completed.stdout)
    return found


def test_request_bodies_match_4x(official_v4_python: Path, sample_images: SampleImages) -> None:
    config = {"png_path": str(sample_images.png_path)}
    theirs = run_scenario(official_v4_python, SCRIPT, "capture", config)
    ours = _ours(config)
    assert len(theirs) == 12
    assert [(call["method"], call["url"]) for call in ours] == [
        (call["method"], call["url"]) for call in theirs
    ]
    for mine, official in zip(ours, theirs, strict=True):
        assert (mine["type"], mine["data"]) == (official["type"], official["data"]), official["url"]
        assert mine["content_type"] == official["content_type"], official["url"]
    kinds = {call["url"].rsplit("/", 1)[-1]: call["type"] for call in theirs}
    assert kinds["upload"] == "bytes" and kinds["addTags"] == "str"
