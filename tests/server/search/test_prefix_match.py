"""The prefix match renders per dialect and bounds prefixes correctly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from imagekit_server.db.tables import files
from imagekit_server.search.prefix_match import PrefixMatch, successor


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("ab", "ac"),
        ("a/", "a0"),
        ("a\U0010ffff", "b"),
        ("\U0010ffff", None),
        ("", None),
        ("x\ud7ff", "x\ue000"),
    ],
)
def test_successor_is_the_first_string_past_the_prefix(prefix: str, expected: str | None) -> None:
    assert successor(prefix) == expected


POSTGRESQL = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1/none").dialect  # no connection
SQLITE = sa.create_engine("sqlite://").dialect


def test_postgresql_uses_like_and_sqlite_a_range() -> None:
    query = sa.select(files.c.id).where(PrefixMatch(files.c.name, "a_b"))
    on_postgres = str(query.compile(dialect=POSTGRESQL))
    on_sqlite = str(query.compile(dialect=SQLITE))
    assert "LIKE" in on_postgres and ">=" not in on_postgres
    assert "LIKE" not in on_sqlite and ">=" in on_sqlite and "substr" in on_sqlite


def test_negation_negates_the_whole_range() -> None:
    query = sa.select(files.c.id).where(~PrefixMatch(files.c.name, "a"))
    on_sqlite = str(query.compile(dialect=SQLITE))
    assert "NOT (files.name >= ? AND files.name < ? AND substr(" in on_sqlite
