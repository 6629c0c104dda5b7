"""Fixtures of the search tests: the sample library on SQLite and PostgreSQL.

``library`` is written once per backend per session and shared, since hundreds of read-only
query tests use it; tests that change rows take ``fresh_library`` instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from imagekit_server.db.sqlite_functions import register_search_functions
from tests.server.search.sample_library import SampleLibrary, create_library


def _open_library(url: str) -> SampleLibrary:
    engine = sa.create_engine(url)
    register_search_functions(engine)
    return create_library(engine)


@pytest.fixture(scope="session")
def shared_libraries() -> Iterator[dict[str, SampleLibrary]]:
    """Libraries by backend name, created on first use, disposed at the end of the session."""
    libraries: dict[str, SampleLibrary] = {}
    yield libraries
    for library in libraries.values():
        library.engine.dispose()


@pytest.fixture
def library(
    database_url: str,
    shared_libraries: dict[str, SampleLibrary],
    tmp_path_factory: pytest.TempPathFactory,
) -> SampleLibrary:
    """The sample library, on each database backend in turn; read-only (it is shared)."""
    backend = sa.make_url(database_url).get_backend_name()
    if backend not in shared_libraries:
        if backend == "sqlite":
            database_url = f"sqlite:///{tmp_path_factory.mktemp('search') / 'library.sqlite3'}"
        shared_libraries[backend] = _open_library(database_url)
    return shared_libraries[backend]


@pytest.fixture
def fresh_library(database_url: str) -> Iterator[SampleLibrary]:
    """A new sample library (under a new account) that the test may change."""
    library = _open_library(database_url)
    try:
        yield library
    finally:
        library.engine.dispose()


@pytest.fixture
def sqlite_library(sqlite_url: str) -> Iterator[SampleLibrary]:
    """The sample library on SQLite only (for the fuzz tests)."""
    library = _open_library(sqlite_url)
    try:
        yield library
    finally:
        library.engine.dispose()


@pytest.fixture
def postgres_library(postgres_url: str) -> Iterator[SampleLibrary]:
    """The sample library on PostgreSQL only (to compare with SQLite)."""
    library = _open_library(postgres_url)
    try:
        yield library
    finally:
        library.engine.dispose()
