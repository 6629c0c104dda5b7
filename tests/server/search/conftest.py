"""Fixtures of the search tests: the sample library on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from imagekit_server.search.sqlite_functions import register_search_functions
from tests.server.search.sample_library import SampleLibrary, create_library


@pytest.fixture
def library(database_url: str) -> Iterator[SampleLibrary]:
    """The sample library, on each database backend in turn."""
    engine = sa.create_engine(database_url)
    register_search_functions(engine)
    try:
        yield create_library(engine)
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_library(sqlite_url: str) -> Iterator[SampleLibrary]:
    """The sample library on SQLite only (for the fuzz tests)."""
    engine = sa.create_engine(sqlite_url)
    register_search_functions(engine)
    try:
        yield create_library(engine)
    finally:
        engine.dispose()


@pytest.fixture
def postgres_library(postgres_url: str) -> Iterator[SampleLibrary]:
    """The sample library on PostgreSQL only (to compare with SQLite)."""
    engine = sa.create_engine(postgres_url)
    try:
        yield create_library(engine)
    finally:
        engine.dispose()
