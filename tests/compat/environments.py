"""Virtualenvs holding the official ``imagekitio`` packages from PyPI, kept in ``.venv-compat/``.

The official SDKs must never be importable from the project's own ``.venv`` (our drop-in
``imagekitio`` lives there), so each gets an interpreter of its own. An environment is built
once and reused while its marker file names the same requirement; a file lock keeps parallel
test sessions from building the same one twice.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPAT_ROOT = REPO_ROOT / ".venv-compat"
INSTALL_TIMEOUT = 600.0
SCRIPT_TIMEOUT = 90.0

RunScenario = Callable[[str], Any]
"""Runs a named scenario of an official SDK script and returns the JSON it printed."""


@dataclass(frozen=True)
class OfficialSdk:
    """One official SDK release line: where its environment lives and what pip installs."""

    name: str
    requirement: str

    @property
    def directory(self) -> Path:
        return COMPAT_ROOT / self.name

    @property
    def python(self) -> Path:
        return self.directory / "bin" / "python"

    @property
    def marker(self) -> Path:
        return self.directory / ".installed"


SDK_V4 = OfficialSdk("imagekitio-4", "imagekitio==4.2.0")
SDK_V5 = OfficialSdk("imagekitio-5", "imagekitio[webhooks]>=5,<6")


def ensure_environment(sdk: OfficialSdk) -> Path:
    """The interpreter of ``sdk``'s environment, created and installed on first use."""
    COMPAT_ROOT.mkdir(exist_ok=True)
    with (COMPAT_ROOT / f".{sdk.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _is_installed(sdk):
            _install(sdk)
    return sdk.python


def _is_installed(sdk: OfficialSdk) -> bool:
    return (
        sdk.python.exists()
        and sdk.marker.exists()
        and sdk.marker.read_text().strip() == sdk.requirement
    )


def _install(sdk: OfficialSdk) -> None:
    subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(sdk.directory)],
        check=True,
        timeout=INSTALL_TIMEOUT,
    )
    subprocess.run(
        [
            str(sdk.python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            sdk.requirement,
        ],
        check=True,
        timeout=INSTALL_TIMEOUT,
    )
    sdk.marker.write_text(sdk.requirement + "\n")


def installed_version(python: Path) -> str:
    """The ``imagekitio`` version installed for ``python``."""
    completed = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('imagekitio'))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=SCRIPT_TIMEOUT,
    )
    return completed.stdout.strip()


def run_scenario(python: Path, script: Path, scenario: str, config: dict[str, Any]) -> Any:
    """Run ``script scenario`` in ``python`` with ``config`` as JSON on stdin; its JSON output.

    The script runs outside the repository's import path so that ``import imagekitio`` finds
    the official package of that environment, never our drop-in.
    """
    completed = subprocess.run(
        [str(python), "-I", str(script), scenario],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        cwd=script.parent,
    )
    if completed.returncode != 0:
        raise AssertionError(
            f"{script.name} {scenario} exited with {completed.returncode}:\n{completed.stderr}"
        )
    return json.loads(completed.stdout)
