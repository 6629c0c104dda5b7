"""The vendored htmx is the recorded release, and it ships in the package."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import imagekit_server.console

STATIC = Path(imagekit_server.console.__file__).parent / "static"


def test_vendored_htmx_matches_its_record() -> None:
    record = (STATIC / "VENDORED.md").read_text()
    row = next(line for line in record.splitlines() if line.startswith("| htmx.min.js"))
    expected = re.findall(r"[0-9a-f]{64}", row)[-1]
    assert hashlib.sha256((STATIC / "htmx.min.js").read_bytes()).hexdigest() == expected
    assert "2.0.11" in row


def test_package_data_ships_templates_and_static_files() -> None:
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"console/templates/*.html", "console/static/*"' in pyproject
