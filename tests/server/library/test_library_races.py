"""Conflicting library calls at the same time, on one server (SQLite) and on two servers sharing
one PostgreSQL database and one blob store (the scale-out shape): threads upload over, copy,
move, rename, tag and delete the same few files and folders, restore and delete versions, and copy,
move and rename folders, in a seeded random order. Whatever order the server picks, the result
must be a library that holds together:

- no answer is a 5xx or a dropped connection;
- no two files share a path, no file has more than one current version, each file's folder is
  listed, and every version of every file delivers the bytes of one of the uploads;
- ``imagekit-server fsck`` finds no orphan or missing blob and no unfinished write.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer, fresh_postgres_database
from tests.server.fuzz.budget import examples
from tests.server.library.calls import call, ok
from tests.server.library.jobs_polling import wait_for_job
from tests.server.media import solid_image
from tests.server.uploads import upload

ROOT = "/race"
FOLDERS = (ROOT, f"{ROOT}/a", f"{ROOT}/b", f"{ROOT}/a/c")
NAMES = ("x.png", "y.png", "z.png")
THREADS = 8
CALLS_PER_THREAD = 25
ACCEPTED = {200, 201, 204, 207, 400, 404, 409}  # refusals are fine; failures are not


@pytest.fixture(params=["sqlite-one-server", "postgres-two-servers"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[LiveServer]]:
    if request.param == "sqlite-one-server":
        single = LiveServer(tmp_path / "data", {})
        single.data_dir.mkdir()
        started = [single]
    else:
        url, drop = fresh_postgres_database()
        request.addfinalizer(drop)
        env = {"DATABASE_URL": url, "IMAGEKIT_STORAGE": str(tmp_path / "blobs")}
        started = [LiveServer(tmp_path / f"p{index}", dict(env)) for index in range(2)]
        for server in started:
            server.data_dir.mkdir()
            server.public_key, server.private_key = started[0].public_key, started[0].private_key
    try:
        for server in started:
            server.start()
        yield started
    finally:
        for server in started:
            server.stop()


class Caller:
    """One thread's random calls, each to a random server; every answer is checked."""

    def __init__(self, servers: list[LiveServer], seed: int, uploads: dict[str, bytes]) -> None:
        self.servers = servers
        self.rng = random.Random(seed)
        self.seed = seed
        self.uploads = uploads  # digest -> bytes of every upload (shared; dict writes are atomic)
        self.log: list[str] = []

    def run(self) -> list[str]:
        operations: list[Callable[[], requests.Response | None]] = [
            self.upload, self.upload, self.copy_file, self.move_file, self.rename_file,
            self.delete_file, self.restore_version, self.delete_version, self.delete_folder,
            self.folder_job, self.tag_files,
        ]  # fmt: skip
        for _ in range(CALLS_PER_THREAD):
            operation = self.rng.choice(operations)
            response = operation()
            if response is not None:
                entry = f"{operation.__name__}: {response.status_code} {response.text[:200]}"
                self.log.append(entry)
                assert response.status_code in ACCEPTED, (self.seed, entry)
        return self.log

    @property
    def server(self) -> LiveServer:
        return self.rng.choice(self.servers)

    def path(self) -> str:
        return f"{self.rng.choice(FOLDERS)}/{self.rng.choice(NAMES)}"

    def upload(self) -> requests.Response:
        value = self.rng.randrange(1 << 24)
        data = solid_image(2, 2, (value & 255, value >> 8 & 255, value >> 16))
        self.uploads[_digest(data)] = data
        path = self.path()
        folder, name = path.rsplit("/", 1)
        return upload(self.server, data, name, folder=folder + "/", useUniqueFileName="false")

    def copy_file(self) -> requests.Response:
        body = {
            "sourceFilePath": self.path(),
            "destinationPath": self.rng.choice(FOLDERS),
            "includeFileVersions": self.rng.random() < 0.5,
        }
        return call(self.server, "POST", "/v1/files/copy", body)

    def move_file(self) -> requests.Response:
        body = {"sourceFilePath": self.path(), "destinationPath": self.rng.choice(FOLDERS)}
        return call(self.server, "POST", "/v1/files/move", body)

    def rename_file(self) -> requests.Response:
        body = {"filePath": self.path(), "newFileName": self.rng.choice(NAMES)}
        return call(self.server, "PUT", "/v1/files/rename", body)

    def _file(self) -> dict[str, Any] | None:
        listed = _files(self.server)
        return self.rng.choice(listed) if listed else None

    def delete_file(self) -> requests.Response | None:
        found = self._file()
        return (
            None if found is None else call(self.server, "DELETE", f"/v1/files/{found['fileId']}")
        )

    def tag_files(self) -> requests.Response | None:
        listed = _files(self.server)
        if not listed:
            return None
        chosen = self.rng.sample(listed, min(len(listed), self.rng.randint(1, 5)))
        body = {"fileIds": [item["fileId"] for item in chosen], "tags": [f"t{self.rng.random()}"]}
        return call(self.server, "POST", "/v1/files/addTags", body)

    def _version_route(self) -> str | None:
        """``/v1/files/<id>/versions/<version id>`` of a random version of a random file."""
        found = self._file()
        if found is None:
            return None
        response = call(self.server, "GET", f"/v1/files/{found['fileId']}/versions")
        versions = response.json() if response.status_code == 200 else []
        if not versions:
            return None
        version = self.rng.choice(versions)
        return f"/v1/files/{version['fileId']}/versions/{version['versionInfo']['id']}"

    def restore_version(self) -> requests.Response | None:
        route = self._version_route()
        return None if route is None else call(self.server, "PUT", f"{route}/restore")

    def delete_version(self) -> requests.Response | None:
        route = self._version_route()
        return None if route is None else call(self.server, "DELETE", route)

    def delete_folder(self) -> requests.Response | None:
        if self.rng.random() < 0.7:  # emptying the library often leaves little to race on
            return None
        return call(
            self.server, "DELETE", "/v1/folder", {"folderPath": self.rng.choice(FOLDERS[1:])}
        )

    def folder_job(self) -> requests.Response:
        source = self.rng.choice(FOLDERS[1:])
        kind = self.rng.choice(["copyFolder", "moveFolder", "renameFolder"])
        if kind == "renameFolder":
            body: dict[str, Any] = {"folderPath": source, "newFolderName": self.rng.choice("abcd")}
        else:
            body = {"sourceFolderPath": source, "destinationPath": self.rng.choice(FOLDERS)}
            if kind == "copyFolder":
                body["includeVersions"] = self.rng.random() < 0.5
        server = self.server
        response = call(server, "POST", f"/v1/bulkJobs/{kind}", body)
        if response.status_code == 200:
            status = wait_for_job(server, response.json()["jobId"])["status"]
            assert status == "Completed", (self.seed, kind, body, status)
        return response


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(server: LiveServer) -> list[dict[str, Any]]:
    query = f'path : "{ROOT}"'
    listed: list[dict[str, Any]] = ok(
        call(server, "GET", "/v1/files", searchQuery=query, limit="1000")
    )
    return [item for item in listed if item["type"] == "file"]


def _folders(server: LiveServer) -> set[str]:
    found: set[str] = set()
    pending = [ROOT]
    while pending:
        items = ok(call(server, "GET", "/v1/files", type="folder", path=pending.pop()))
        for item in items:
            found.add(item["folderPath"])
            pending.append(item["folderPath"])
    return found


def _check_library(server: LiveServer, uploads: dict[str, bytes]) -> None:
    files = _files(server)
    paths = Counter(item["filePath"] for item in files)
    assert [path for path, count in paths.items() if count > 1] == []
    folders = _folders(server) | {ROOT}
    for item in files:
        folder = item["filePath"].rsplit("/", 1)[0]
        assert folder in folders, item["filePath"]
        versions = ok(call(server, "GET", f"/v1/files/{item['fileId']}/versions"))
        assert [v["type"] for v in versions].count("file") == 1, item["filePath"]
        assert len({v["versionInfo"]["id"] for v in versions}) == len(versions)
        for version in versions:
            delivered = requests.get(version["url"], timeout=30)
            assert delivered.status_code == 200, (version["url"], delivered.headers)
            assert _digest(delivered.content) in uploads, version["url"]


def test_racing_library_calls_leave_it_whole(servers: list[LiveServer]) -> None:
    ok(call(servers[0], "POST", "/v1/folder", {"folderName": "race", "parentFolderPath": "/"}), 201)
    uploads: dict[str, bytes] = {}
    rounds = max(1, examples(1))  # FUZZ_EXAMPLES=N runs N rounds
    for round_number in range(rounds):
        callers = [Caller(servers, round_number * 100 + index, uploads) for index in range(THREADS)]
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(Caller.run, callers))
        _check_library(servers[-1], uploads)
    checked = servers[0].cli("fsck")
    assert checked.returncode == 0, checked.stdout + checked.stderr
