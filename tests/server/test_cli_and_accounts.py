"""The CLI (keys, accounts, migrate), account isolation, and several server processes sharing
one database and blob store."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.fixtures.live_server import LiveServer, StartServer, fresh_postgres_database
from tests.server.media import pixel, solid_image
from tests.server.uploads import api_get, assert_error, uploaded


def _cli(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEKIT_")}
    return subprocess.run(
        [sys.executable, "-m", "imagekit_server.cli", "--data-dir", str(data_dir), *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _values(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def test_keys_are_generated_once_and_kept(tmp_path: Path) -> None:
    first = _values(_cli(tmp_path, "keys").stdout)
    second = _values(_cli(tmp_path, "keys").stdout)
    assert first == second
    assert first["IMAGEKIT_ID"] == "demo"
    assert first["IMAGEKIT_PRIVATE_KEY"].startswith("private_")
    assert first["IMAGEKIT_PUBLIC_KEY"].startswith("public_")
    migrated = _cli(tmp_path, "migrate")
    assert migrated.returncode == 0 and "revision" in migrated.stdout


def test_serve_prints_the_public_key_but_never_the_private_key(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()
    log = server.log()
    assert server.public_key in log and server.url_endpoint in log
    assert server.private_key not in log
    uploaded(server, solid_image(2, 2, (0, 0, 0)), "x.png")
    assert server.private_key not in server.log()


def test_accounts_are_isolated(live_server_factory: StartServer) -> None:
    server = live_server_factory()
    created = server.cli("accounts", "create", "acme")
    assert created.returncode == 0, created.stderr
    acme = _values(created.stdout)
    duplicate = server.cli("accounts", "create", "acme")
    assert duplicate.returncode == 1
    for bad in ("v1", "a/b", "api"):
        assert server.cli("accounts", "create", bad).returncode == 1
    mine = uploaded(server, solid_image(4, 4, (255, 0, 0)), "same.png", useUniqueFileName="false")
    theirs = requests.post(
        f"{server.base_url}/api/v1/files/upload",
        files={
            "file": ("same.png", solid_image(4, 4, (0, 0, 255))),
            "fileName": (None, "same.png"),
            "useUniqueFileName": (None, "false"),
        },
        auth=(acme["IMAGEKIT_PRIVATE_KEY"], ""),
        timeout=10,
    ).json()
    assert theirs["fileId"] != mine["fileId"]
    assert theirs["url"] == f"{server.base_url}/acme/same.png"
    assert pixel(requests.get(mine["url"], timeout=10).content, 0, 0)[:3] == [255, 0, 0]
    assert pixel(requests.get(theirs["url"], timeout=10).content, 0, 0)[:3] == [0, 0, 255]
    assert [f["fileId"] for f in api_get(server, "/v1/files").json()] == [mine["fileId"]]
    other = requests.get(
        f"{server.base_url}/v1/files/{mine['fileId']}/details",
        auth=(acme["IMAGEKIT_PRIVATE_KEY"], ""),
        timeout=10,
    )
    assert_error(other, 404)


def test_two_processes_share_one_database_and_store(live_server_factory: StartServer) -> None:
    first = live_server_factory(database="postgres", storage="s3")
    second = LiveServer(first.data_dir.parent / f"{first.data_dir.name}-b", dict(first.env))
    second.data_dir.mkdir()
    second.public_key, second.private_key = first.public_key, first.private_key
    second.start()
    try:
        body = uploaded(first, solid_image(6, 3, (0, 255, 0)), "shared.png")
        seen = api_get(second, f"/v1/files/{body['fileId']}/details").json()
        assert seen["filePath"] == body["filePath"]
        delivered = requests.get(f"{second.url_endpoint}{body['filePath']}", timeout=10)
        assert pixel(delivered.content, 1, 1)[:3] == [0, 255, 0]
        gone = requests.delete(
            f"{second.base_url}/v1/files/{body['fileId']}", auth=second.auth, timeout=10
        )
        assert gone.status_code == 204
        assert requests.get(body["url"], timeout=10).status_code == 404
    finally:
        second.stop()


def test_several_processes_start_at_once_on_one_database(tmp_path: Path, postgres_url: str) -> None:
    """Migrations, the default account and recovery are safe when processes race at start."""
    url, drop = fresh_postgres_database()
    servers = [
        LiveServer(
            tmp_path / f"p{index}",
            {"DATABASE_URL": url, "IMAGEKIT_STORAGE": str(tmp_path / "blobs")},
        )
        for index in range(3)
    ]
    for server in servers:
        server.data_dir.mkdir()
        server.public_key, server.private_key = servers[0].public_key, servers[0].private_key
    try:
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(LiveServer.start, servers))
        body = uploaded(servers[0], solid_image(2, 2, (0, 0, 0)), "race.png")
        for server in servers:
            assert api_get(server, f"/v1/files/{body['fileId']}/details").status_code == 200
    finally:
        for server in servers:
            server.stop()
        drop()
