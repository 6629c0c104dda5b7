"""The command line itself: --version, help for every command, and `keys` (accounts, and the
URLs of the address the server was started on)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from imagekit_server.cli import commands as cli
from tests.fixtures.live_server import StartServer


def _run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEKIT_")}
    return subprocess.run(
        [sys.executable, "-m", "imagekit_server.cli", "--data-dir", str(data_dir), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _values(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def test_version_prints_the_installed_package_version(tmp_path: Path) -> None:
    result = _run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"imagekit-server {metadata.version('imagekit-selfhosted')}"


def _parsers(
    parser: argparse.ArgumentParser, path: str
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _parsers(sub, f"{path} {name}")
    return found


def test_every_command_and_argument_says_what_it_does() -> None:
    parsers = _parsers(cli._parser(), "imagekit-server")
    assert len(parsers) > 15
    for path, parser in parsers:
        assert parser.description, f"`{path} --help` has no description"
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                listed = {choice.dest for choice in action._choices_actions if choice.help}
                assert listed == set(action.choices), f"{path}: a subcommand lacks help"
            elif action.help != argparse.SUPPRESS:
                assert action.help, f"{path}: {action.option_strings or action.dest} lacks help"


@pytest.mark.parametrize("command", ["keys", "import folder", "origins create", "accounts"])
def test_help_runs_for_subcommands(tmp_path: Path, command: str) -> None:
    result = _run(tmp_path, *command.split(), "--help")
    assert result.returncode == 0 and "usage: imagekit-server" in result.stdout


def test_keys_for_another_account_and_an_unknown_one(tmp_path: Path) -> None:
    created = _values(_run(tmp_path, "accounts", "create", "acme").stdout)
    acme = _values(_run(tmp_path, "keys", "--account", "acme").stdout)
    assert acme["IMAGEKIT_ID"] == "acme"
    assert acme["IMAGEKIT_PRIVATE_KEY"] == created["IMAGEKIT_PRIVATE_KEY"]
    assert acme["IMAGEKIT_URL_ENDPOINT"] == "http://127.0.0.1:8000/acme"
    unknown = _run(tmp_path, "keys", "--account", "nobody")
    assert unknown.returncode == 1 and "no account 'nobody'" in unknown.stderr
    assert "IMAGEKIT_PRIVATE_KEY" not in unknown.stdout


def test_keys_follows_the_configured_address(tmp_path: Path) -> None:
    flags = _values(_run(tmp_path, "keys", "--host", "0.0.0.0", "--port", "9100").stdout)
    assert flags["IMAGEKIT_API_BASE_URL"] == "http://0.0.0.0:9100"
    assert flags["IMAGEKIT_URL_ENDPOINT"] == "http://0.0.0.0:9100/demo"
    port = _values(_run(tmp_path, "keys", IMAGEKIT_PORT="9200").stdout)
    assert port["IMAGEKIT_UPLOAD_BASE_URL"] == "http://127.0.0.1:9200"
    public = _values(_run(tmp_path, "keys", IMAGEKIT_PUBLIC_URL="https://media.example/").stdout)
    assert public["IMAGEKIT_URL_ENDPOINT"] == "https://media.example/demo"


def test_keys_shows_the_port_the_running_server_was_started_on(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()  # `serve --port <free port>`
    result = server.cli("keys")
    assert result.returncode == 0
    shown = _values(result.stdout)
    assert shown["IMAGEKIT_API_BASE_URL"] == server.base_url
    assert shown["IMAGEKIT_URL_ENDPOINT"] == server.url_endpoint
    explicit = _values(server.cli("keys", "--port", "9300").stdout)
    assert explicit["IMAGEKIT_API_BASE_URL"] == "http://127.0.0.1:9300"


def test_make_run_passes_its_arguments_to_serve() -> None:
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "imagekit-server serve $(ARGS)" in run_recipe
    dry = subprocess.run(
        ["make", "-n", "run", "ARGS=--port 9000"],  # dry run: prints, runs nothing
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "imagekit-server serve --port 9000" in dry.stdout
