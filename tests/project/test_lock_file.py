"""requirements.lock pins every server, test and dev dependency with hashes and matches
pyproject.toml (``make lock`` refreshes it; make refuses to install from a stale one)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"


def _requirements() -> dict[str, str]:
    """name -> the whole requirement block (pin, markers, hashes)."""
    blocks: dict[str, str] = {}
    for block in re.split(r"\n(?=\S)", LOCK.read_text()):
        match = re.match(r"([A-Za-z0-9_.\[\]-]+)==", block)
        if match:
            blocks[re.sub(r"\[.*\]", "", match.group(1)).lower()] = block
    return blocks


def _declared() -> set[str]:
    """Names in pyproject's dependencies and extras (extras of those names dropped)."""
    text = (ROOT / "pyproject.toml").read_text()
    start = text.index("[project]")
    end = text.index("[project.scripts]")
    names = re.findall(r'^\s*"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?[<>=!~ ;]', text[start:end], re.M)
    return {name.lower().replace("_", "-") for name in names}


def test_the_lock_matches_pyproject() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lock_digest.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr  # run `make lock` and commit the lock


def test_every_declared_dependency_is_pinned_with_hashes() -> None:
    pinned = _requirements()
    assert _declared() - {"imagekit-selfhosted"} <= set(pinned), _declared() - set(pinned)
    for name, block in pinned.items():
        assert "--hash=sha256:" in block, name
    assert "pyvips-binary" in pinned and "prometheus-client" in pinned


def test_the_sdk_keeps_loose_ranges() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    dependencies = text[text.index("dependencies = [") : text.index("[project.optional")]
    assert '"requests>=2.25"' in dependencies and "==" not in dependencies


def test_a_stale_lock_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    (copy / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "lock_digest.py", copy / "scripts")
    shutil.copy2(LOCK, copy / "requirements.lock")
    pyproject = (ROOT / "pyproject.toml").read_text()
    # Formatting-only settings do not call for a new lock; a new dependency does.
    (copy / "pyproject.toml").write_text(pyproject.replace("line-length = 100", "line-length = 99"))
    script = [sys.executable, str(copy / "scripts" / "lock_digest.py"), "--check"]
    assert subprocess.run(script, capture_output=True).returncode == 0
    added = pyproject.replace('    "lark>=1.2",\n', '    "lark>=1.2",\n    "onnxruntime>=1.20",\n')
    assert added != pyproject
    (copy / "pyproject.toml").write_text(added)
    stale = subprocess.run(script, capture_output=True, text=True)
    assert stale.returncode == 1
    assert "make lock" in stale.stderr
