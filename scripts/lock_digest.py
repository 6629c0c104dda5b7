"""The digest of pyproject.toml's dependency declarations, as recorded in requirements.lock.

``make lock`` writes it into the lock's first line; every other make target checks it first, so
a branch that adds a dependency without refreshing the lock fails with the command to run
instead of installing a stale set. Only ``[project]`` and ``[project.optional-dependencies]``
count (a ruff or pytest setting does not call for a new lock). Plain text, no TOML parser: this
runs on the host's Python (3.10 has no tomllib) before any virtualenv exists.

    python3 scripts/lock_digest.py            print the digest line
    python3 scripts/lock_digest.py --check    exit 1 with a message if the lock is stale
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PREFIX = "# pyproject dependencies digest: "
SECTIONS = ("project", "project.optional-dependencies")


def digest(pyproject: str) -> str:
    kept: list[str] = []
    section = ""
    for line in pyproject.splitlines():
        header = re.fullmatch(r"\s*\[([^\[\]]+)\]\s*", line)
        if header:
            section = header.group(1).strip()
        if section in SECTIONS:
            kept.append(line.strip())
    text = "\n".join(line for line in kept if line and not line.startswith("#"))
    return hashlib.sha256(text.encode()).hexdigest()


def digest_line() -> str:
    return PREFIX + digest((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        print(digest_line())
        return 0
    first = LOCK.read_text(encoding="utf-8").partition("\n")[0] if LOCK.exists() else ""
    if first != digest_line():
        print(
            "requirements.lock is out of date: pyproject.toml's dependencies changed since it "
            "was made. Run `make lock` (then commit requirements.lock).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
