"""Folder jobs are durable and run once: a job interrupted by SIGKILL resumes after a restart
and finishes with every file moved exactly once; with two server processes on one database
each job still runs once; a 10,000-file move runs in the background while the API answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.library.bulk_records import insert_files, job_progress, last_file_by_id
from tests.server.library.calls import call, new_image, ok
from tests.server.library.jobs_polling import wait_for_job

FAST_LEASE = {"IMAGEKIT_JOB_LEASE_SECONDS": "2"}


def _paths_under(server: LiveServer, folder: str) -> list[str]:
    """Every file directly in ``folder`` (the scale tests keep their files flat)."""
    paths: list[str] = []
    while True:
        skip = str(len(paths))
        page = ok(call(server, "GET", "/v1/files", path=folder, limit="1000", skip=skip))
        paths += [item["filePath"] for item in page]
        if len(page) < 1000:
            return paths


def _wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _moving(server: LiveServer, root: str, count: int) -> str:
    """A job moving ``count`` files from ``root/src`` into ``root/dst``, once it has moved
    some: its id."""
    template = new_image(server, "template.png", folder="/tpl")["fileId"]
    insert_files(server, template, f"{root}/src", count)
    body = {"sourceFolderPath": f"{root}/src", "destinationPath": f"{root}/dst"}
    job_id: str = ok(call(server, "POST", "/v1/bulkJobs/moveFolder", body))["jobId"]
    _wait_until(lambda: _moved_count(server, job_id) > 0)
    return job_id


def _moved_count(server: LiveServer, job_id: str) -> int:
    done: Any = job_progress(server, job_id).get("done", 0)
    return int(done)


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_killed_job_resumes_after_restart(
    live_server_factory: StartServer, database: str
) -> None:
    server = live_server_factory(database=database, env=FAST_LEASE)
    count = 3000
    job_id = _moving(server, "/big", count)
    server.kill()
    interrupted_at = _moved_count(server, job_id)
    assert 0 < interrupted_at < count

    server.start()
    status = wait_for_job(server, job_id, timeout=120)
    assert status["status"] == "Completed"
    moved = _paths_under(server, "/big/dst/src")
    assert len(moved) == count and len(set(moved)) == count
    assert _paths_under(server, "/big/src") == []


def test_two_processes_run_each_job_once(live_server_factory: StartServer, tmp_path: Path) -> None:
    # one database and one blob store, as processes behind a load balancer share them: a
    # process that cannot read the other's blobs fails each job it claims until the other
    # claims it
    shared = {**FAST_LEASE, "IMAGEKIT_STORAGE": str(tmp_path / "blobs")}
    first = live_server_factory(database="postgres", env=shared)
    second = LiveServer(first.data_dir.parent / f"{first.data_dir.name}-b", dict(first.env))
    second.data_dir.mkdir()
    second.public_key, second.private_key = first.public_key, first.private_key
    second.start()
    try:
        template = new_image(first, "template.png", folder="/tpl")["fileId"]
        for index in range(4):
            insert_files(first, template, f"/twice/src{index}", 300)
        jobs = [
            ok(
                call(
                    (first, second)[index % 2],
                    "POST",
                    "/v1/bulkJobs/copyFolder",
                    {"sourceFolderPath": f"/twice/src{index}", "destinationPath": "/twice/dst"},
                )
            )["jobId"]
            for index in range(4)
        ]
        for job_id in jobs:
            assert wait_for_job(second, job_id, timeout=120)["status"] == "Completed"
        for index in range(4):
            copies = _paths_under(first, f"/twice/dst/src{index}")
            assert len(copies) == 300  # a second run would have appended versions instead
            route = f"/twice/dst/src{index}"
            versions = ok(call(first, "GET", "/v1/files", path=route, type="file-version"))
            assert versions == []
    finally:
        second.stop()


def test_ten_thousand_file_move_keeps_the_api_responsive(
    live_server_factory: StartServer,
) -> None:
    server = live_server_factory()
    template = new_image(server, "template.png", folder="/tpl")
    count = 10_000
    insert_files(server, template["fileId"], "/huge/src", count)
    body = {"sourceFolderPath": "/huge/src", "destinationPath": "/huge/dst"}
    started = time.monotonic()
    job_id = ok(call(server, "POST", "/v1/bulkJobs/moveFolder", body))["jobId"]
    latencies: list[float] = []
    while ok(call(server, "GET", f"/v1/bulkJobs/{job_id}"))["status"] != "Completed":
        assert time.monotonic() - started < 300
        before = time.monotonic()
        ok(call(server, "GET", f"/v1/files/{template['fileId']}/details"))
        ok(call(server, "GET", "/v1/files", path="/tpl", limit="5"))
        latencies.append(time.monotonic() - before)
    assert len(latencies) >= 3, "the job finished before the API could be timed"
    assert max(latencies) < 2.0, latencies
    assert len(_paths_under(server, "/huge/dst/src")) == count
    assert _paths_under(server, "/huge/src") == []


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_move_takes_files_added_while_it_runs_and_not_those_taken_out(
    live_server_factory: StartServer, database: str
) -> None:
    """The job walks file ids: a file uploaded into the folder meanwhile may get an id the
    cursor has passed, and a file moved out meanwhile may still be in a batch listed before.
    The first goes along (the job's last step moves what is left); the second stays where it
    was put, and the moved folder leaves nothing behind."""
    server = live_server_factory(database=database)
    count = 6000
    job_id = _moving(server, "/busy", count)
    taken_out = last_file_by_id(server, "/busy/src")  # the job would move it last
    late = [new_image(server, f"late{index}.png", folder="/busy/src") for index in range(3)]
    out = {"sourceFilePath": taken_out, "destinationPath": "/busy/out"}
    ok(call(server, "POST", "/v1/files/move", out), 204)
    running = ok(call(server, "GET", f"/v1/bulkJobs/{job_id}"))["status"]
    assert running == "Pending", "the job finished before the test could change the folder"
    assert wait_for_job(server, job_id, timeout=120)["status"] == "Completed"

    moved = _paths_under(server, "/busy/dst/src")
    assert sorted(f"/busy/dst/src/{file['name']}" for file in late) == sorted(
        path for path in moved if "/late" in path
    )
    assert len(moved) == count - 1 + len(late) and taken_out not in moved
    assert _paths_under(server, "/busy/out") == [taken_out.replace("/busy/src", "/busy/out")]
    assert _paths_under(server, "/busy/src") == []
    listed = ok(call(server, "GET", "/v1/files", type="folder", path="/busy"))
    assert sorted(item["folderPath"] for item in listed) == ["/busy/dst", "/busy/out"]
