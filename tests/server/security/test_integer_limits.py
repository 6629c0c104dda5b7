"""Integers beyond 64 bits (issue 11, item 6) in query parameters, searchQuery and JSON never
reach the database: a 400 in ImageKit's shape (or, where a bigger number is meaningful to
compare with, a correct answer), never an OverflowError's 500."""

from __future__ import annotations

import pytest

from tests.fixtures.live_server import LiveServer
from tests.server.security.answers import api, assert_client_error, assert_healthy
from tests.server.uploads import uploaded

HUGE = [str(2**63), str(-(2**63) - 1), "9" * 30, "9" * 5000]


@pytest.fixture(scope="module")
def stored(live_server: LiveServer) -> dict[str, str]:
    return uploaded(live_server, b"some text", "integers.txt", folder="/integers")


@pytest.mark.parametrize("name", ["skip", "limit"])
@pytest.mark.parametrize("value", HUGE)
def test_list_paging_beyond_64_bits_is_400(
    live_server: LiveServer, stored: dict[str, str], name: str, value: str
) -> None:
    response = api(live_server, "GET", "/v1/files", params={name: value})
    assert name in assert_client_error(response)["message"]


def test_the_largest_64_bit_skip_is_an_empty_page(
    live_server: LiveServer, stored: dict[str, str]
) -> None:
    response = api(live_server, "GET", "/v1/files", params={"skip": str(2**63 - 1)})
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize(
    "query",
    [
        "size > " + "9" * 30,
        "size < " + "9" * 30,
        "size > 99999999999999999999999kb",
        "width > " + "9" * 30,
        "height < -" + "9" * 30,
        "size > " + "9" * 400,
    ],
)
def test_search_numbers_beyond_64_bits_compare_correctly(
    live_server: LiveServer, stored: dict[str, str], query: str
) -> None:
    response = api(live_server, "GET", "/v1/files", params={"searchQuery": query})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        names = [item["name"] for item in response.json()]
        expected = [stored["name"]] if query.startswith("size <") else []
        assert names == expected
    else:
        assert_client_error(response)
    assert_healthy(live_server)


def test_custom_metadata_field_limits_beyond_64_bits_are_400(live_server: LiveServer) -> None:
    body = (
        '{"name": "big", "label": "Big", "schema": {"type": "Number", "maxValue": '
        + "9" * 40
        + "}}"
    )
    response = api(
        live_server,
        "POST",
        "/v1/customMetadataFields",
        data=body,
        headers={"content-type": "application/json"},
    )
    assert "64 bits" in assert_client_error(response)["message"]


def test_file_details_custom_metadata_beyond_64_bits_is_400(
    live_server: LiveServer, stored: dict[str, str]
) -> None:
    body = '{"customMetadata": {"n": ' + "9" * 40 + "}}"
    response = api(
        live_server,
        "PATCH",
        f"/v1/files/{stored['fileId']}/details",
        data=body,
        headers={"content-type": "application/json"},
    )
    assert "64 bits" in assert_client_error(response)["message"]
