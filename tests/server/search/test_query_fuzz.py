"""Property tests: any text compiles or fails cleanly; valid queries run and compose."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagekit_server.search import SearchPlan, SearchQueryError, compile_search
from tests.server.search.sample_library import FIELD_TYPES, NOW, SampleLibrary

FIXTURE_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

QUERY_PIECES = st.sampled_from(
    ["name", "tags", "width", "createdAt", '"customMetadata.stock"', '"embeddedMetadata.x"',
     "type", "=", ":", "<", ">=", "IN", "NOT", "HAS", "EXISTS", "AND", "OR", "(", ")", "[",
     "]", ",", '"a"', "'b'", "7d", "2024-01-01", "5", "-1.5e3", "true", '"1mb"', '"', "\\"]
)  # fmt: skip


def compiles_or_rejects(query: str) -> None:
    try:
        plan = compile_search(query, account_id="acct", field_types=FIELD_TYPES, now=NOW)
    except SearchQueryError as error:
        assert 0 <= error.position <= len(query)
        assert error.message
    else:
        assert isinstance(plan, SearchPlan)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_plan_or_a_query_error(query: str) -> None:
    compiles_or_rejects(query)


@settings(max_examples=300, deadline=None)
@given(st.lists(QUERY_PIECES, max_size=12).map(" ".join))
def test_any_token_soup_gives_a_plan_or_a_query_error(query: str) -> None:
    compiles_or_rejects(query)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


WORDS = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=10)
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(-1e12, 1e12, allow_nan=False).map(repr),
)
OFFSETS = st.sampled_from(["", "Z", "+14:00", "-14:00", "+05:30", ".000Z"])
INSTANTS = st.one_of(
    st.tuples(st.datetimes(datetime(2, 1, 1), datetime(9998, 12, 31)), OFFSETS).map(
        lambda p: quoted(p[0].replace(microsecond=0).isoformat() + p[1])
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(st.integers(0, 1000), st.sampled_from("hdwmy")).map(lambda p: f"{p[0]}{p[1]}"),
)
SIZES = st.one_of(
    st.integers(0, 10**12).map(str),
    st.tuples(st.integers(0, 4096), st.sampled_from(["b", "kb", "MB", "gb"])).map(
        lambda p: quoted(f"{p[0]}{p[1]}")
    ),
)
BOOLEANS = st.sampled_from(["true", "false", "TRUE"])
ORDERING = st.sampled_from(["=", "<", "<=", ">", ">=", "NOT ="])


def lists_of(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(values, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")


def condition(
    field: str, operators: st.SearchStrategy[str], values: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    return st.tuples(operators, values).map(lambda pair: f"{field} {pair[0]} {pair[1]}")


CONDITIONS = st.one_of(
    condition("name", st.sampled_from(["=", ":", "NOT =", "HAS"]), WORDS.map(quoted)),
    condition("name", st.sampled_from(["IN", "NOT IN"]), lists_of(WORDS.map(quoted))),
    condition("tags", st.sampled_from(["IN", "NOT IN"]), lists_of(WORDS.map(quoted))),
    st.sampled_from(["tags EXISTS", "tags NOT EXISTS", '"embeddedMetadata.Keywords" EXISTS']),
    condition("width", ORDERING, NUMBERS),
    condition("height", st.sampled_from(["IN", "NOT IN"]), lists_of(NUMBERS)),
    condition("size", ORDERING, SIZES),
    condition("createdAt", ORDERING, INSTANTS),
    condition("updatedAt", ORDERING, INSTANTS),
    condition("format", st.just("="), st.sampled_from(['"jpg"', '"png"', '"gif"'])),
    *(condition(flag, st.sampled_from(["=", "NOT ="]), BOOLEANS)
      for flag in ("private", "published", "transparency")),
    condition("path", st.sampled_from(["=", ":", "NOT ="]), WORDS.map(lambda w: quoted("/" + w))),
    condition('"customMetadata.brand"', st.sampled_from(["=", ":", "HAS"]), WORDS.map(quoted)),
    condition('"customMetadata.stock"', ORDERING, NUMBERS),
    condition('"customMetadata.launch"', ORDERING, INSTANTS),
    condition('"customMetadata.featured"', st.just("="), BOOLEANS),
    condition('"customMetadata.sizes"', st.sampled_from(["IN", "NOT IN"]),
              lists_of(st.one_of(WORDS.map(quoted), NUMBERS, BOOLEANS))),
    condition('"embeddedMetadata.DateTimeOriginal"', ORDERING, INSTANTS),
    condition('"embeddedMetadata.LocationTaken"', st.just("="),
              st.tuples(st.floats(-89, 89), st.floats(-179, 179), st.integers(1, 5000)).map(
                  lambda p: quoted(f"{p[0]:.4f},{p[1]:.4f} {p[2]}km"))),
)  # fmt: skip
TYPE_CONDITIONS = condition(
    "type",
    st.sampled_from(["=", "NOT ="]),
    st.sampled_from(['"file"', '"folder"', '"file-version"']),
)
QUERIES = st.recursive(
    st.one_of(CONDITIONS, TYPE_CONDITIONS),
    lambda inner: st.tuples(inner, st.sampled_from(["AND", "OR", "and"]), inner).map(
        lambda parts: f"({parts[0]}) {parts[1]} ({parts[2]})"
    ),
    max_leaves=5,
)


def run(library: SampleLibrary, query: str) -> set[str]:
    plan = compile_search(query, account_id=library.account_id, field_types=FIELD_TYPES, now=NOW)
    return library.names(plan)


@FIXTURE_SETTINGS
@given(query=QUERIES)
def test_generated_queries_compile_and_run(sqlite_library: SampleLibrary, query: str) -> None:
    run(sqlite_library, query)


@FIXTURE_SETTINGS
@given(left=CONDITIONS, right=CONDITIONS)
def test_and_is_intersection_and_or_is_union(
    sqlite_library: SampleLibrary, left: str, right: str
) -> None:
    left_names, right_names = run(sqlite_library, left), run(sqlite_library, right)
    assert run(sqlite_library, f"{left} AND {right}") == left_names & right_names
    assert run(sqlite_library, f"({left}) OR ({right})") == left_names | right_names


@FIXTURE_SETTINGS
@given(query=condition("createdAt", ORDERING, INSTANTS))
def test_now_in_any_time_zone_means_the_same_instant(
    sqlite_library: SampleLibrary, query: str
) -> None:
    account = sqlite_library.account_id
    results = [
        sqlite_library.names(
            compile_search(query, account_id=account, field_types=FIELD_TYPES, now=now)
        )
        for now in (NOW, NOW.replace(tzinfo=None), NOW.astimezone(timezone(timedelta(hours=-7))))
    ]
    assert results[0] == results[1] == results[2]


@FIXTURE_SETTINGS
@given(query=QUERIES)
def test_sqlite_and_postgresql_select_the_same_assets(
    sqlite_library: SampleLibrary, postgres_library: SampleLibrary, query: str
) -> None:
    assert run(sqlite_library, query) == run(postgres_library, query)
