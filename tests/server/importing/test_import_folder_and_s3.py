"""``imagekit-server import folder|s3`` into the data dir of a running server: folders kept,
files probed like uploads, progress on stderr, and a rerun after an interruption continues."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import requests
from pytest import CaptureFixture, MonkeyPatch

from imagekit_server.context import open_context
from imagekit_server.importing.items import ImportFile
from imagekit_server.importing.journal import Journal
from imagekit_server.importing.local_source import LocalSource
from imagekit_server.importing.progress import Counts
from imagekit_server.importing.runner import ImportPlan, run_import
from imagekit_server.settings import Settings
from tests.fixtures.live_server import LiveServer, StartServer
from tests.server.importing.running import run_import as _run
from tests.server.media import decode, pixel, solid_image
from tests.server.uploads import api_get

Capture = CaptureFixture[str]

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


def _library(root: Path) -> dict[str, tuple[int, int, tuple[int, int, int]]]:
    """A small tree of images: relative path -> (width, height, colour)."""
    layout = {
        "top.png": (5, 4, (255, 0, 0)),
        "holiday/beach.jpg": (16, 8, (0, 0, 255)),
        "holiday/2024/sea side.png": (3, 7, (0, 255, 0)),
        "docs/readme.txt": (0, 0, (0, 0, 0)),
    }
    for relative, (width, height, colour) in layout.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith(".txt"):
            path.write_text("not an image, imported as a non-image file\n")
        else:
            path.write_bytes(solid_image(width, height, colour, fmt=Path(relative).suffix))
    (root / ".DS_Store").write_bytes(b"hidden")
    return layout


def _listing(server: LiveServer) -> dict[str, dict[str, object]]:
    files = api_get(server, "/v1/files", limit="1000").json()
    return {item["filePath"]: item for item in files}


def test_folder_import_keeps_the_tree_and_probes_each_file(
    live_server_factory: StartServer, tmp_path: Path, monkeypatch: MonkeyPatch, capsys: Capture
) -> None:
    server = live_server_factory()
    _library(tmp_path / "lib")
    status, stderr = _run(
        server, monkeypatch, capsys, "folder", str(tmp_path / "lib"), "--to-folder", "/old site"
    )
    assert status == 0, stderr
    assert "4 imported" in stderr and "0 failed" in stderr
    files = _listing(server)
    assert sorted(files) == [
        "/old_site/docs/readme.txt",
        "/old_site/holiday/2024/sea_side.png",
        "/old_site/holiday/beach.jpg",
        "/old_site/top.png",
    ]
    beach = files["/old_site/holiday/beach.jpg"]
    assert (beach["width"], beach["height"], beach["fileType"]) == (16, 8, "image")
    assert files["/old_site/docs/readme.txt"]["fileType"] == "non-image"
    delivered = requests.get(
        f"{server.url_endpoint}/old_site/holiday/2024/sea_side.png", timeout=10
    )
    image = decode(delivered.content)
    assert (image.width, image.height) == (3, 7)
    assert pixel(delivered.content, 1, 1)[:3] == [0, 255, 0]
    again = server.cli("import", "folder", str(tmp_path / "lib"), "--to-folder", "/old site")
    assert again.returncode == 0 and "0 imported, 4 skipped" in again.stderr  # the command
    assert len(_listing(server)) == 4


def test_an_interrupted_import_continues_where_it_stopped(
    live_server_factory: StartServer, tmp_path: Path
) -> None:
    server = live_server_factory()
    root = tmp_path / "many"
    for index in range(12):
        (root / f"d{index % 3}").mkdir(parents=True, exist_ok=True)
        (root / f"d{index % 3}" / f"i{index}.png").write_bytes(
            solid_image(4 + index, 4, (index * 20, 0, 0))
        )
    source = Settings.from_env(
        {}, data_dir=server.data_dir, public_key=server.public_key, private_key=server.private_key
    )
    stop = threading.Event()

    def stopping_after(files: Iterator[ImportFile], count: int) -> Iterator[ImportFile]:
        for index, item in enumerate(files):
            if index == count:
                stop.set()  # what Ctrl-C does: no new files, those in progress finish
            yield item

    context = open_context(source)
    journal = Journal.for_import(server.data_dir, f"demo / {LocalSource(root).describe()}")
    try:
        plan = ImportPlan(context, context.default_account, journal, Counts(), print, jobs=2)
        run_import(plan, stopping_after(LocalSource(root).files(), 5), stop)
    finally:
        journal.close()
        context.close()
    # Files queued but not started when the stop came are left for the next run.
    first = plan.counts.imported
    assert 0 < first <= 5 and len(_listing(server)) == first
    resumed = server.cli("import", "folder", str(root))
    assert resumed.returncode == 0, resumed.stderr
    assert f"{12 - first} imported, {first} skipped, 0 failed" in resumed.stderr
    files = _listing(server)
    assert len(files) == 12
    assert files["/d1/i7.png"]["width"] == 11
    # Each file was stored once: no second version from the rerun.
    for item in files.values():
        versions = api_get(server, f"/v1/files/{item['fileId']}/versions").json()
        assert len(versions) == 1


def test_existing_files_are_skipped_unless_overwrite_adds_a_version(
    live_server_factory: StartServer, tmp_path: Path, monkeypatch: MonkeyPatch, capsys: Capture
) -> None:
    server = live_server_factory()
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.png").write_bytes(solid_image(2, 2, (1, 2, 3)))
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "a.png").write_bytes(solid_image(6, 6, (9, 9, 9)))
    assert _run(server, monkeypatch, capsys, "folder", str(tmp_path / "one"))[0] == 0
    status, stderr = _run(server, monkeypatch, capsys, "folder", str(tmp_path / "two"))
    assert status == 0 and "exists in the target" in stderr
    assert _listing(server)["/a.png"]["width"] == 2
    status, stderr = _run(
        server, monkeypatch, capsys, "folder", str(tmp_path / "two"), "--overwrite", "--restart"
    )
    assert status == 0, stderr
    current = _listing(server)["/a.png"]
    assert current["width"] == 6
    versions = api_get(server, f"/v1/files/{current['fileId']}/versions").json()
    assert len(versions) == 2


def test_bad_arguments_are_refused_clearly(
    tmp_path: Path, monkeypatch: MonkeyPatch, capsys: Capture
) -> None:
    server = LiveServer(tmp_path / "data", {})  # its data dir only: no process is started

    def run(*args: str) -> tuple[int, str]:
        return _run(server, monkeypatch, capsys, *args)

    status, stderr = run("folder", str(tmp_path / "nowhere"))
    assert status == 2 and "not a directory" in stderr
    for jobs in ("0", "65"):
        status, stderr = run("folder", str(tmp_path), "--jobs", jobs)
        assert status == 2 and "--jobs must be between 1 and 64" in stderr
    status, stderr = run("folder", str(tmp_path), "--account", "nobody")
    assert status == 1 and "no account 'nobody'" in stderr
    monkeypatch.delenv("IMAGEKIT_SOURCE_PRIVATE_KEY", raising=False)
    status, stderr = run("imagekit", "--api-url", "http://127.0.0.1:9")
    assert status == 2 and "IMAGEKIT_SOURCE_PRIVATE_KEY" in stderr


def test_s3_import_turns_key_prefixes_into_folders(
    live_server_factory: StartServer,
    s3_admin_client: S3Client,
    s3_env: dict[str, str],
    tmp_path: Path,
) -> None:
    server = live_server_factory()
    bucket = "import-source"
    s3_admin_client.create_bucket(Bucket=bucket)
    objects = {
        "media/cats/tom.png": solid_image(7, 5, (10, 20, 30)),
        "media/cats/": b"",  # a console-made "folder" object
        "media/dog.jpg": solid_image(9, 3, (200, 200, 200), fmt=".jpg"),
        "other/ignored.png": solid_image(2, 2, (0, 0, 0)),
    }
    for key, body in objects.items():
        s3_admin_client.put_object(Bucket=bucket, Key=key, Body=body)
    server.env.update(s3_env)
    result = server.cli("import", "s3", f"s3://{bucket}/media", "--jobs", "3")
    assert result.returncode == 0, result.stderr
    files = _listing(server)
    assert sorted(files) == ["/cats/tom.png", "/dog.jpg"]
    assert (files["/cats/tom.png"]["width"], files["/cats/tom.png"]["height"]) == (7, 5)
    delivered = requests.get(f"{server.url_endpoint}/cats/tom.png", timeout=10)
    assert pixel(delivered.content, 3, 2)[:3] == [10, 20, 30]


def test_files_over_the_targets_limits_fail_alone(
    live_server_factory: StartServer, tmp_path: Path, monkeypatch: MonkeyPatch, capsys: Capture
) -> None:
    server = live_server_factory(env={"IMAGEKIT_MAX_UPLOAD_BYTES": "2000"})
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "small.png").write_bytes(solid_image(4, 4, (0, 0, 0)))
    (tmp_path / "lib" / "big.bin").write_bytes(os.urandom(5000))
    status, stderr = _run(server, monkeypatch, capsys, "folder", str(tmp_path / "lib"))
    assert status == 1
    assert "/big.bin: File size exceeds the maximum allowed (2000 bytes)" in stderr
    assert "1 imported, 0 skipped, 1 failed" in stderr
    assert sorted(_listing(server)) == ["/small.png"]


def test_ctrl_c_stops_after_the_files_in_progress_and_a_rerun_finishes(
    live_server_factory: StartServer, tmp_path: Path
) -> None:
    server = live_server_factory()
    root = tmp_path / "many"
    root.mkdir()
    for index in range(60):
        (root / f"i{index:02d}.png").write_bytes(solid_image(3, 3, (index, 0, 0)))
    command = [sys.executable, "-m", "imagekit_server.cli", "--data-dir", str(server.data_dir)]
    env = {**os.environ, **server.env, "IMAGEKIT_PRIVATE_KEY": server.private_key}
    env["IMAGEKIT_PUBLIC_KEY"] = server.public_key
    process = subprocess.Popen(
        [*command, "import", "folder", str(root), "--jobs", "1"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    journals = server.data_dir / "imports"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        lines = [p.read_text().count("\n") for p in journals.glob("*.journal")]
        if lines and lines[0] >= 3:  # the header and two files
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.01)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted; run the same command to continue" in stderr
    stored = len(_listing(server))
    assert 2 <= stored < 60
    resumed = server.cli("import", "folder", str(root), "--jobs", "4")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{60 - stored} imported, {stored} skipped, 0 failed" in resumed.stderr
    assert len(_listing(server)) == 60
