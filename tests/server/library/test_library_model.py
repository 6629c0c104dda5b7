"""The media library against a model of it: random sequences of uploads and overwrites,
file copies, moves and renames, version restores and deletes, folder creation, deletion,
copies, moves and renames (bulk jobs), on the real server over HTTP, on SQLite + local disk
and on PostgreSQL + S3. After every step the server's files and folders must be the model's:
the same paths, each file with the same number of versions, and in the end every version's
bytes as delivered (``ik-obj-version`` URLs) and every current file's bytes.

The model follows docs/reference/api.md: an overwrite adds a version; a copy or move onto a
file of the same name appends the incoming versions (older ones first, the current one last,
which becomes current); a restore makes a version current in place; a folder copy or move
puts the folder inside the destination.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.fixtures.live_server import LiveServer
from tests.server.fuzz.budget import examples
from tests.server.library.calls import call, ok
from tests.server.library.jobs_polling import wait_for_job
from tests.server.media import solid_image
from tests.server.uploads import upload

SUBFOLDERS = ("", "/a", "/b", "/a/c")  # below each example's own root folder
NAMES = ("x.png", "y.png")
_colours = itertools.count(1)


@dataclass
class Stored:
    """A file of the model: its versions' content digests, oldest first, and which is current."""

    versions: list[str]
    current: int

    def chain(self, *, all_versions: bool) -> list[str]:
        """What a copy or move carries: the older versions in order, then the current one."""
        older = [v for i, v in enumerate(self.versions) if i != self.current]
        return [*(older if all_versions else []), self.versions[self.current]]


@dataclass
class Library:
    files: dict[str, Stored] = field(default_factory=dict)  # file path -> file
    folders: set[str] = field(default_factory=set)

    def add_folders(self, folder: str) -> None:
        """``folder`` and its parents (the root "/" is implied)."""
        while folder not in ("", "/"):
            self.folders.add(folder)
            folder = folder.rsplit("/", 1)[0]

    def place(self, folder: str, name: str, chain: list[str]) -> None:
        path = f"{folder}/{name}"
        existing = self.files.get(path)
        if existing is None:
            self.files[path] = Stored(list(chain), len(chain) - 1)
            self.add_folders(folder)
        else:
            existing.versions.extend(chain)
            existing.current = len(existing.versions) - 1

    def under(self, folder: str) -> list[str]:
        return sorted(path for path in self.files if path.startswith(folder + "/"))

    def folders_under(self, folder: str) -> list[str]:
        return sorted(f for f in self.folders if f == folder or f.startswith(folder + "/"))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0]


def _name(path: str) -> str:
    return path.rsplit("/", 1)[1]


class LibraryMachine(RuleBasedStateMachine):
    server: LiveServer

    def __init__(self) -> None:
        super().__init__()
        self.root = f"/m{secrets.token_hex(4)}"
        self.model = Library()

    # -- helpers

    def folder(self, sub: str) -> str:
        return self.root + sub

    def file_id(self, path: str) -> str:
        found = self._listed().get(path)
        assert found is not None, f"{path} is not listed"
        return str(found["fileId"])

    def _listed(self) -> dict[str, dict[str, Any]]:
        query = f'path : "{self.root}"'
        items = ok(call(self.server, "GET", "/v1/files", searchQuery=query, limit="1000"))
        return {item["filePath"]: item for item in items if item["type"] == "file"}

    def _listed_folders(self) -> set[str]:
        folders: set[str] = set()
        pending = [self.root]
        while pending:
            folder = pending.pop()
            items = ok(call(self.server, "GET", "/v1/files", type="folder", path=folder))
            for item in items:
                folders.add(item["folderPath"])
                pending.append(item["folderPath"])
        return folders

    def _versions(self, file_id: str) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = ok(call(self.server, "GET", f"/v1/files/{file_id}/versions"))
        return listed

    def _versions_in_model_order(self, path: str) -> list[dict[str, Any]]:
        """The server's versions of ``path``, oldest (lowest number) first."""
        listed = self._versions(self.file_id(path))
        return sorted(listed, key=lambda v: int(v["versionInfo"]["name"].split()[-1]))

    def _get(self, url: str) -> bytes:
        response = requests.get(url, timeout=30)
        assert response.status_code == 200, (url, response.status_code, response.headers)
        return response.content

    def _create_folder(self, parent: str, name: str) -> None:
        body = {"folderName": name, "parentFolderPath": parent}
        ok(call(self.server, "POST", "/v1/folder", body), 201)

    def _job(self, response: requests.Response) -> None:
        job = ok(response)
        assert wait_for_job(self.server, job["jobId"])["status"] == "Completed"

    # -- rules

    @initialize()
    def start(self) -> None:
        self._create_folder("/", self.root[1:])
        self.model.add_folders(self.root)

    @rule(sub=st.sampled_from(SUBFOLDERS), name=st.sampled_from(NAMES))
    def upload_file(self, sub: str, name: str) -> None:
        colour = next(_colours)
        data = solid_image(2, 2, (colour % 256, colour // 256 % 256, 7))
        response = upload(
            self.server, data, name, folder=self.folder(sub) + "/", useUniqueFileName="false"
        )
        ok(response)
        self.model.place(self.folder(sub), name, [_digest(data)])

    @rule(sub=st.sampled_from(SUBFOLDERS[1:]))
    def create_folder(self, sub: str) -> None:
        self._create_folder(_parent(self.folder(sub)), _name(sub))
        self.model.add_folders(self.folder(sub))

    @precondition(lambda self: self.model.files)
    @rule(data=st.data(), to=st.sampled_from(SUBFOLDERS), all_versions=st.booleans())
    def copy_file(self, data: st.DataObject, to: str, all_versions: bool) -> None:
        path = data.draw(st.sampled_from(sorted(self.model.files)))
        body = {
            "sourceFilePath": path,
            "destinationPath": self.folder(to) + "/",
            "includeFileVersions": all_versions,
        }
        response = call(self.server, "POST", "/v1/files/copy", body)
        if _parent(path) == self.folder(to):
            assert response.status_code == 400, response.text
            assert response.json()["reason"] == "SAME_SOURCE_AND_DESTINATION"
            return
        ok(response, 204)
        chain = self.model.files[path].chain(all_versions=all_versions)
        self.model.place(self.folder(to), _name(path), chain)

    @precondition(lambda self: self.model.files)
    @rule(data=st.data(), to=st.sampled_from(SUBFOLDERS))
    def move_file(self, data: st.DataObject, to: str) -> None:
        path = data.draw(st.sampled_from(sorted(self.model.files)))
        body = {"sourceFilePath": path, "destinationPath": self.folder(to) + "/"}
        response = call(self.server, "POST", "/v1/files/move", body)
        if _parent(path) == self.folder(to):
            assert response.status_code == 400, response.text
            return
        ok(response, 204)
        moved = self.model.files.pop(path)
        target = f"{self.folder(to)}/{_name(path)}"
        if target in self.model.files:
            self.model.place(self.folder(to), _name(path), moved.chain(all_versions=True))
        else:
            self.model.files[target] = moved
            self.model.add_folders(self.folder(to))

    @precondition(lambda self: self.model.files)
    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def rename_file(self, data: st.DataObject, name: str) -> None:
        path = data.draw(st.sampled_from(sorted(self.model.files)))
        body = {"filePath": path, "newFileName": name}
        response = call(self.server, "PUT", "/v1/files/rename", body)
        target = f"{_parent(path)}/{name}"
        if target == path:
            assert response.status_code == 400, response.text
        elif target in self.model.files:
            assert response.status_code == 409, response.text
        else:
            ok(response)
            self.model.files[target] = self.model.files.pop(path)

    @precondition(lambda self: self.model.files)
    @rule(data=st.data())
    def delete_file(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(self.model.files)))
        ok(call(self.server, "DELETE", f"/v1/files/{self.file_id(path)}"), 204)
        del self.model.files[path]

    @precondition(lambda self: any(len(f.versions) > 1 for f in self.model.files.values()))
    @rule(data=st.data())
    def restore_version(self, data: st.DataObject) -> None:
        versioned = sorted(p for p, f in self.model.files.items() if len(f.versions) > 1)
        path = data.draw(st.sampled_from(versioned))
        index = data.draw(st.integers(0, len(self.model.files[path].versions) - 1))
        version = self._versions_in_model_order(path)[index]
        route = f"/v1/files/{version['fileId']}/versions/{version['versionInfo']['id']}/restore"
        ok(call(self.server, "PUT", route))
        self.model.files[path].current = index

    @precondition(lambda self: any(len(f.versions) > 1 for f in self.model.files.values()))
    @rule(data=st.data())
    def delete_version(self, data: st.DataObject) -> None:
        versioned = sorted(p for p, f in self.model.files.items() if len(f.versions) > 1)
        path = data.draw(st.sampled_from(versioned))
        stored = self.model.files[path]
        index = data.draw(st.integers(0, len(stored.versions) - 1))
        version = self._versions_in_model_order(path)[index]
        route = f"/v1/files/{version['fileId']}/versions/{version['versionInfo']['id']}"
        response = call(self.server, "DELETE", route)
        if index == stored.current:
            assert response.status_code == 400, response.text
            return
        ok(response, 204)
        del stored.versions[index]
        if index < stored.current:
            stored.current -= 1

    @rule(sub=st.sampled_from(SUBFOLDERS[1:]))
    def delete_folder(self, sub: str) -> None:
        folder = self.folder(sub)
        response = call(self.server, "DELETE", "/v1/folder", {"folderPath": folder})
        if folder not in self.model.folders:
            assert response.status_code == 404, response.text
            return
        ok(response, 204)
        for path in self.model.under(folder):
            del self.model.files[path]
        self.model.folders -= set(self.model.folders_under(folder))

    @rule(sub=st.sampled_from(SUBFOLDERS[1:]), to=st.sampled_from(SUBFOLDERS), copy=st.booleans(),
          all_versions=st.booleans())  # fmt: skip
    def copy_or_move_folder(self, sub: str, to: str, copy: bool, all_versions: bool) -> None:
        source, parent = self.folder(sub), self.folder(to)
        body: dict[str, Any] = {"sourceFolderPath": source, "destinationPath": parent}
        if copy:
            body["includeVersions"] = all_versions
        route = "/v1/bulkJobs/copyFolder" if copy else "/v1/bulkJobs/moveFolder"
        response = call(self.server, "POST", route, body)
        destination = f"{parent}/{_name(source)}"
        if parent == source or parent.startswith(source + "/") or destination == source:
            assert response.status_code == 400, response.text
            return
        if source not in self.model.folders:
            assert response.status_code == 404, response.text
            return
        self._job(response)
        self._transfer(source, destination, copy=copy, all_versions=all_versions or not copy)

    @rule(sub=st.sampled_from(SUBFOLDERS[1:]), name=st.sampled_from(("a", "b", "c", "d")))
    def rename_folder(self, sub: str, name: str) -> None:
        source = self.folder(sub)
        body = {"folderPath": source, "newFolderName": name}
        response = call(self.server, "POST", "/v1/bulkJobs/renameFolder", body)
        destination = f"{_parent(source)}/{name}"
        if destination == source:
            assert response.status_code == 400, response.text
            return
        if source not in self.model.folders:
            assert response.status_code == 404, response.text
            return
        if destination in self.model.folders:
            assert response.status_code == 400, response.text
            return
        self._job(response)
        self._transfer(source, destination, copy=False, all_versions=True)

    def _transfer(self, source: str, destination: str, *, copy: bool, all_versions: bool) -> None:
        """The model's side of a folder copy or move: ``source`` becomes ``destination``."""
        for folder in self.model.folders_under(source):
            self.model.add_folders(destination + folder[len(source) :])
        for path in self.model.under(source):
            stored = self.model.files[path] if copy else self.model.files.pop(path)
            target = destination + path[len(source) :]
            if target not in self.model.files and not copy:
                self.model.files[target] = stored  # a move without a clash keeps the file
                continue
            chain = stored.chain(all_versions=all_versions)
            self.model.place(_parent(target), _name(target), chain)
        if not copy:
            self.model.folders -= set(self.model.folders_under(source))

    # -- what must hold

    @invariant()
    def same_files_and_versions(self) -> None:
        listed = self._listed()
        assert sorted(listed) == sorted(self.model.files)
        for path, stored in self.model.files.items():
            versions = self._versions(listed[path]["fileId"])
            assert len(versions) == len(stored.versions), path

    @invariant()
    def same_folders(self) -> None:
        assert self._listed_folders() == self.model.folders - {self.root}

    def teardown(self) -> None:
        for path, stored in self.model.files.items():
            versions = self._versions_in_model_order(path)
            delivered = [_digest(self._get(version["url"])) for version in versions]
            assert delivered == stored.versions, path
            current = self._get(f"{self.server.url_endpoint}{path}")
            assert _digest(current) == stored.versions[stored.current], path


def test_library_follows_the_model(live_backend_server: LiveServer) -> None:
    LibraryMachine.server = live_backend_server
    run_state_machine_as_test(
        LibraryMachine,
        settings=settings(
            max_examples=examples(20),
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
