"""The vendored htmx is the recorded release, and it ships in the package."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import imagekit_server.console

STATIC = Path(imagekit_server.console.__file__).parent / "static"


@pytest.mark.parametrize(("name", "version"), [("htmx.min.js", "2.0.11"), ("tus.min.js", "4.3.1")])
def test_vendored_scripts_match_their_record(name: str, version: str) -> None:
    record = (STATIC / "VENDORED.md").read_text()
    row = next(line for line in record.splitlines() if line.startswith(f"| {name}"))
    expected = re.findall(r"[0-9a-f]{64}", row)[-1]
    assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == expected
    assert version in row


def test_package_data_ships_templates_and_static_files() -> None:
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"console/templates/*.html", "console/static/*"' in pyproject
