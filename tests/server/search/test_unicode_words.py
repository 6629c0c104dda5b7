"""Case-insensitive matching of non-ASCII letters agrees on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest

from imagekit_server.db.sqlite_functions import install_search_functions
from imagekit_server.search import compile_search
from tests.server.search.sample_library import (
    FIELD_TYPES,
    NOW,
    SampleFile,
    SampleLibrary,
    add_file,
    ago,
)

UNICODE_FILES = [
    SampleFile("Éclair-Crème.jpg", "/desserts", "jpg", 2048, (64, 64), ago(days=1),
               tags=["Pâtisserie"], custom={"brand": "Ÿ-Brand Ölen"}),
    SampleFile("ÉCLAIR-BRÛLÉ.png", "/desserts", "png", 2048, (64, 64), ago(days=1)),
    SampleFile("straße.jpg", "/streets", "jpg", 2048, (64, 64), ago(days=1)),
]  # fmt: skip


@pytest.fixture
def unicode_library(fresh_library: SampleLibrary) -> SampleLibrary:
    for index, sample in enumerate(UNICODE_FILES, start=100):
        add_file(fresh_library, index, sample)
    return fresh_library


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('name HAS "éclair"', {"Éclair-Crème.jpg", "ÉCLAIR-BRÛLÉ.png"}),
        ('name HAS "ÉCLAIR crè"', {"Éclair-Crème.jpg"}),
        ('name HAS "brûl"', {"ÉCLAIR-BRÛLÉ.png"}),
        ('name HAS "STRASSE"', set()),  # case folding, not transliteration
        ('name HAS "straße"', {"straße.jpg"}),
        ('name : "É"', {"Éclair-Crème.jpg", "ÉCLAIR-BRÛLÉ.png"}),
        ('name : "é"', set()),
        ('tags HAS "pâtis"', {"Éclair-Crème.jpg"}),
        ('"customMetadata.brand" HAS "ölen"', {"Éclair-Crème.jpg"}),
    ],
)
def test_non_ascii_letters_match_alike(
    unicode_library: SampleLibrary, query: str, expected: set[str]
) -> None:
    plan = compile_search(
        query, account_id=unicode_library.account_id, field_types=FIELD_TYPES, now=NOW
    )
    assert unicode_library.names(plan) == expected


def test_unicode_lower_replaces_the_ascii_builtin() -> None:
    with sqlite3.connect(":memory:") as connection:
        assert connection.execute("SELECT lower('ÉCLAIR')").fetchone() == ("Éclair",)
        install_search_functions(connection)
        assert connection.execute("SELECT lower('ÉCLAIR'), lower(NULL)").fetchone() == (
            "éclair",
            None,
        )
    connection.close()
