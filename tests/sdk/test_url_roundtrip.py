"""Round trips: URLs built by ``Url`` are parsed and verified by the server's signing module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests.utils import requote_uri

from imagekit_server.delivery.signing import SignatureStatus, check_signature
from imagekitio.constants.supported_transform import SUPPORTED_TRANS
from imagekitio.url import Url

ENDPOINT = "https://ik.example.com/demo"
PRIVATE_KEY = "private_TEST_KEY"
NOW = 1_700_000_000

# Path characters an HTTP client may send raw or percent-encoded. `%` is left out: a path that
# already holds `%41` is ambiguous once a client normalises it to `A`.
PATH_ALPHABET = "abcXYZ019-_.~ !$&'()*+,=@é中ß"
SIMPLE_CODES = sorted(
    (name, code) for name, code in SUPPORTED_TRANS.items() if code not in {"raw", "di"}
)
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass
class Settings:
    private_key: str = PRIVATE_KEY
    public_key: str = "public_TEST_KEY"
    url_endpoint: str = ENDPOINT
    transformation_position: str = "path"
    options: dict[str, Any] = field(default_factory=dict)


def segment() -> st.SearchStrategy[str]:
    return st.text(PATH_ALPHABET, min_size=1, max_size=12).filter(lambda s: s.strip("/"))


paths = st.lists(segment(), min_size=1, max_size=3).map("/".join)
values = st.one_of(
    st.text(ALNUM + "-.", min_size=1, max_size=8).filter(lambda v: v != "-"),
    st.integers(0, 5000),
)
steps = st.lists(st.tuples(st.sampled_from(SIMPLE_CODES), values), min_size=1, max_size=4)
transformations = st.lists(steps, max_size=3)
query_parameters = st.dictionaries(
    st.text(min_size=1, max_size=6).filter(lambda k: k not in {"tr", "ik-s", "ik-t"}),
    st.text(max_size=10),
    max_size=3,
)


@st.composite
def url_options(draw: st.DrawFn) -> tuple[dict[str, Any], list[list[tuple[str, str]]]]:
    """Options for ``Url.generate_url`` and the (code, value) pieces the `tr` must carry."""
    chain = draw(transformations)
    options: dict[str, Any] = {
        "transformation": [{name: value for (name, _), value in step} for step in chain],
        "query_parameters": draw(query_parameters),
        "transformation_position": draw(st.sampled_from(["path", "query"])),
    }
    path = draw(paths)
    if draw(st.booleans()):
        options["path"] = path
    else:
        options["src"] = f"{ENDPOINT}/{path}?{draw(st.sampled_from(['', 'a=1', 'a=1&b=x%2Cy']))}"
    expected = [
        [(code, str(value)) for (name, code), value in _dedupe(step)] for step in chain if step
    ]
    return options, expected


def _dedupe(step: list[tuple[tuple[str, str], Any]]) -> list[tuple[tuple[str, str], Any]]:
    """A dict keeps the first position of a repeated key and its last value."""
    merged: dict[tuple[str, str], Any] = {}
    for key, value in step:
        merged[key] = value
    return list(merged.items())


def build(options: dict[str, Any], *, signed: bool, expire_seconds: int | None) -> str:
    url = Url(Settings(), clock=lambda: NOW)
    return url.generate_url({**options, "signed": signed, "expire_seconds": expire_seconds})


def wire_target(url: str) -> str:
    """The request target after the endpoint, encoded the way `requests` sends it."""
    wire = requote_uri(url)
    assert wire.startswith(ENDPOINT + "/")
    return wire[len(ENDPOINT) + 1 :]


def transformation_of(target: str) -> str:
    """A simple parse of the `tr` part: from the first path segment or the `tr` parameter."""
    path, _, query = target.partition("?")
    first = path.split("/", 1)[0]
    if first.startswith("tr:"):
        return first[len("tr:") :]
    return dict(parse_qsl(query)).get("tr", "")


def pieces_of(transformation: str) -> list[list[str]]:
    return [step.split(",") for step in transformation.split(":")] if transformation else []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=url_options())
def test_transformation_survives_the_round_trip(
    case: tuple[dict[str, Any], list[list[tuple[str, str]]]],
) -> None:
    options, expected = case
    target = wire_target(build(options, signed=False, expire_seconds=None))
    pieces = pieces_of(transformation_of(target))
    assert pieces == [[f"{code}-{value}" for code, value in step] for step in expected]
    in_path = "path" in options and options["transformation_position"] == "path"
    assert target.startswith("tr:") == (in_path and bool(expected))


@settings(max_examples=200, deadline=None)
@given(case=url_options(), expire_seconds=st.sampled_from([None, 0, 1, 300, 86400]))
def test_signed_urls_verify_on_the_server(
    case: tuple[dict[str, Any], Any], expire_seconds: int | None
) -> None:
    options, _ = case
    url = build(options, signed=True, expire_seconds=expire_seconds)
    target = wire_target(url)
    assert check_signature(PRIVATE_KEY, target, now=NOW) is SignatureStatus.VALID
    query = dict(parse_qsl(urlsplit(url).query))
    if expire_seconds:
        assert query["ik-t"] == str(NOW + expire_seconds)
        expected = SignatureStatus.EXPIRED
    else:
        assert "ik-t" not in query
        expected = SignatureStatus.VALID
    later = NOW + (expire_seconds or 0) + 1
    assert check_signature(PRIVATE_KEY, target, now=later) is expected
    assert url.startswith(build(options, signed=False, expire_seconds=None))


@settings(max_examples=300, deadline=None)
@given(
    case=url_options(),
    expire_seconds=st.sampled_from([None, 300]),
    position=st.floats(0, 1, exclude_max=True),
    replacement=st.sampled_from(ALNUM),
)
def test_any_changed_character_breaks_the_signature(
    case: tuple[dict[str, Any], Any], expire_seconds: int | None, position: float, replacement: str
) -> None:
    options, _ = case
    target = wire_target(build(options, signed=True, expire_seconds=expire_seconds))
    signed_part = target[: target.index("ik-s=")]
    index = int(position * len(signed_part))
    original = target[index]
    if replacement.lower() == original.lower():
        # `%2c` and `%2C` are the same URL; change the character for real.
        replacement = "q" if original.lower() != "q" else "z"
    tampered = target[:index] + replacement + target[index + 1 :]
    # Tampering with the `?` leaves no query, hence no signature at all.
    status = check_signature(PRIVATE_KEY, tampered, now=NOW)
    assert status in {SignatureStatus.INVALID, SignatureStatus.UNSIGNED}


@settings(max_examples=100, deadline=None)
@given(case=url_options())
def test_dropping_or_adding_a_parameter_breaks_the_signature(
    case: tuple[dict[str, Any], Any],
) -> None:
    options, _ = case
    target = wire_target(build(options, signed=True, expire_seconds=300))
    unsigned, _, signature_part = target.partition("ik-t=")
    added = f"{unsigned}extra=1&ik-t={signature_part}"
    assert check_signature(PRIVATE_KEY, added, now=NOW) is SignatureStatus.INVALID
    later_expiry = target.replace(f"ik-t={NOW + 300}", f"ik-t={NOW + 301}")
    assert check_signature(PRIVATE_KEY, later_expiry, now=NOW) is SignatureStatus.INVALID
    without_expiry = target.replace(f"ik-t={NOW + 300}&", "")
    assert check_signature(PRIVATE_KEY, without_expiry, now=NOW) is SignatureStatus.INVALID
