"""Fixtures for the conformance suite: official SDK interpreters, a live server, sample images."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.compat.api_target import Target
from tests.compat.environments import (
    SDK_V4,
    SDK_V5,
    RunScenario,
    ensure_environment,
    run_scenario,
)
from tests.compat.samples import SampleImages
from tests.fixtures.live_server import LiveServer, fresh_postgres_database
from tests.server.origins.peers import web_folder

SCRIPTS = Path(__file__).parent / "scripts"


@pytest.fixture(scope="session")
def official_v4_python() -> Path:
    return ensure_environment(SDK_V4)


@pytest.fixture(scope="session")
def official_v5_python() -> Path:
    return ensure_environment(SDK_V5)


@pytest.fixture(scope="session")
def sample_images(tmp_path_factory: pytest.TempPathFactory) -> SampleImages:
    return SampleImages.write(tmp_path_factory.mktemp("compat-images"))


@pytest.fixture(scope="module")
def compat_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The real server; uploads from URL may fetch from 127.0.0.0/8 (the server itself).

    SQLite and local disk by default; ``IMAGEKIT_COMPAT_BACKEND=postgres-s3`` runs the suite on
    a fresh PostgreSQL database and an S3 bucket (moto) instead.
    """
    env = {"IMAGEKIT_FETCH_ALLOWLIST": "127.0.0.0/8"}
    drop: Callable[[], None] | None = None
    if os.environ.get("IMAGEKIT_COMPAT_BACKEND", "sqlite-local") == "postgres-s3":
        env["DATABASE_URL"], drop = fresh_postgres_database()
        env.update(request.getfixturevalue("s3_env"))
        env["IMAGEKIT_STORAGE"] = request.getfixturevalue("s3_new_bucket_url")()
    server = LiveServer(tmp_path_factory.mktemp("compat-data"), env)
    server.start()
    yield server
    server.stop()
    if drop is not None:
        drop()


@pytest.fixture(scope="session")
def sample_web_folder(
    sample_images: SampleImages, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of another web server (origins must not point at the server itself) that
    serves the sample PNG as ``o.png``."""
    root = tmp_path_factory.mktemp("compat-web-folder")
    shutil.copyfile(sample_images.png_path, root / "o.png")
    with web_folder(root) as served:
        yield served.base_url


def scenario_config(
    server: LiveServer, images: SampleImages, scenario: str, **extra: str
) -> dict[str, Any]:
    unique = secrets.token_hex(4)
    return {
        **extra,
        "base_url": server.base_url,
        "private_key": server.private_key,
        "public_key": server.public_key,
        "url_endpoint": server.url_endpoint,
        "png_path": str(images.png_path),
        "jpeg_path": str(images.jpeg_path),
        "folder": f"/compat-{scenario.replace('_', '-')}-{unique}",
        "field_name": f"compat_{scenario}_{unique}",
    }


@pytest.fixture(scope="module")
def run_v4(
    official_v4_python: Path, compat_server: LiveServer, sample_images: SampleImages
) -> RunScenario:
    """``run_v4("upload")``: the JSON that the 4.x scenario printed."""

    return _memoized_runner(official_v4_python, "official_v4.py", compat_server, sample_images)


@pytest.fixture(scope="module")
def run_v5(
    official_v5_python: Path,
    compat_server: LiveServer,
    sample_images: SampleImages,
    sample_web_folder: str,
) -> RunScenario:
    """``run_v5("files")``: the JSON that the 5.x scenario printed."""

    return _memoized_runner(
        official_v5_python,
        "official_v5.py",
        compat_server,
        sample_images,
        web_folder_url=sample_web_folder,
    )


def _memoized_runner(
    python: Path, script: str, server: LiveServer, images: SampleImages, **extra: str
) -> RunScenario:
    """A scenario runs once per module however many tests judge its (read-only) results."""
    results: dict[str, Any] = {}

    def run(scenario: str) -> Any:
        if scenario not in results:
            config = scenario_config(server, images, scenario, **extra)
            results[scenario] = run_scenario(python, SCRIPTS / script, scenario, config)
        return results[scenario]

    return run


@pytest.fixture(scope="module")
def target(compat_server: LiveServer, sample_images: SampleImages) -> Target:
    """``compat_server`` as an API target that can make resources exist."""
    return Target(compat_server, sample_images)
