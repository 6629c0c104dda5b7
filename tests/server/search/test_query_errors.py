"""Invalid queries: every problem is a SearchQueryError that names it and points at it."""

from __future__ import annotations

import pytest

from imagekit_server.search import SearchQueryError, compile_search, sort_columns
from tests.server.search.sample_library import FIELD_TYPES, NOW


def compile_error(query: str) -> SearchQueryError:
    with pytest.raises(SearchQueryError) as caught:
        compile_search(query, account_id="acct", field_types=FIELD_TYPES, now=NOW)
    return caught.value


SYNTAX_ERRORS = [
    ("width > ", 7, "Syntax error at position 7: expected a value after '>'"),
    ("createdAt > 2w AND", 18, "expected a field name or '(' after 'AND'"),
    ("width 5", 6, "expected an operator after 'width'"),
    ("(width > 5", 10, "expected AND, OR or ')' after '5'"),
    ("width > 5)", 9, "expected the end of the query after '5'"),
    ('tags IN ["a" "b"]', 13, """expected ',' or ']' after "a\""""),
    ('tags IN "a"', 8, "expected '[' after 'IN'"),
    ("width NOT > 5", 10, "only '=' may follow NOT"),
    ('name = "red" name = "blue"', 13, "expected AND, OR or the end of the query"),
    ("= 5", 0, "expected a field name or '('"),
    ("", 0, "the query is empty"),
    ("   ", 0, "the query is empty"),
    ('name = "a\x00b"', 9, "NUL character"),
    ("(" * 40 + "width > 5" + ")" * 40, 32, "parentheses nested deeper than 32 levels"),
    ('name = ")(" AND ' + "(" * 33 + "width > 5", 48, "nested deeper"),
    (" OR ".join(["width > 5"] * 201), 2600, "Query too large at position 2600"),
    ("tags IN [" + ", ".join(['"t"'] * 999) + '] AND tags IN ["a", "b"]', 5008, "at most"),
]


@pytest.mark.parametrize(("query", "position", "message"), SYNTAX_ERRORS)
def test_syntax_errors_point_at_the_position(query: str, position: int, message: str) -> None:
    error = compile_error(query)
    assert error.position == position
    assert message in error.message
    assert str(error) == error.message
    assert isinstance(error, ValueError)


MEANING_ERRORS = [
    ('colour = "red"', 0, 'Unknown field "colour"'),
    ('width > 5 AND "customMetadata.weight" > 3', 14, 'custom metadata field "weight"'),
    ('"customMetadata.Brand" = "Acme"', 0, 'custom metadata field "Brand"'),
    ('width > "wide"', 8, 'Invalid value "wide" at position 8 for width: expected a number'),
    ('createdAt > "soon"', 12, "for createdAt: expected a date"),
    ("createdAt > 2024-13-45", 12, "for createdAt: expected a date"),
    ('size < "2tb"', 7, "for size: expected a size"),
    ('"customMetadata.stock" = "many"', 25, "for customMetadata.stock: expected a number"),
    ('"customMetadata.featured" = 3', 28, "expected true or false"),
    ('type = "image"', 7, 'expected "file", "file-version" or "folder"'),
    ("name = 5", 7, "expected a quoted string"),
    ('format > "png"', 7, "Operator '>' at position 7 is not supported for field \"format\""),
    ("private IN [true]", 8, 'not supported for field "private"'),
    ('"customMetadata.sizes" = "M"', 23, "not supported"),
    ('"customMetadata.color" > "red"', 25, "ordering comparisons need a number"),
    ("name EXISTS", 5, "not supported"),
    ('"embeddedMetadata.LocationTaken" = "somewhere"', 35, "LocationTaken"),
    ('"embeddedMetadata.LocationTaken" = "95,10 5km"', 35, "latitude must be within"),
    ("createdAt > 99999999y", 12, "relative time"),
    ("createdAt > 99999999999999999999d", 12, "relative time"),
    ("width > 1e999", 8, "expected a number"),
    ('createdAt > "9999-12-31T23:59:59-14:00"', 12, "expected a date"),
    ('createdAt > "0001-01-01T00:00:00+14:00"', 12, "expected a date"),
]


@pytest.mark.parametrize(("query", "position", "message"), MEANING_ERRORS)
def test_meaning_errors_name_the_problem(query: str, position: int, message: str) -> None:
    error = compile_error(query)
    assert message in error.message
    assert error.position == position


@pytest.mark.parametrize("sort", ["ASC_COLOUR", "UP_NAME", "NAME", "DESC_"])
def test_invalid_sort_is_rejected(sort: str) -> None:
    with pytest.raises(SearchQueryError, match="Invalid sort"):
        sort_columns(sort)
