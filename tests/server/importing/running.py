"""Run ``imagekit-server import`` in this process against a live server's data directory:
the same code as the command (``cli.main``), without a new interpreter's start-up per call."""

from __future__ import annotations

import pytest

from imagekit_server.cli import commands as cli
from tests.fixtures.live_server import LiveServer


def run_import(
    server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> tuple[int, str]:
    """(exit status, stderr) of ``imagekit-server --data-dir <server's> import <args>``."""
    with monkeypatch.context() as patch:
        for name, value in {
            **server.env,
            "IMAGEKIT_ID": server.imagekit_id,
            "IMAGEKIT_PUBLIC_KEY": server.public_key,
            "IMAGEKIT_PRIVATE_KEY": server.private_key,
        }.items():
            patch.setenv(name, value)
        capsys.readouterr()
        status = cli.main(["--data-dir", str(server.data_dir), "import", *args])
        return status, capsys.readouterr().err
