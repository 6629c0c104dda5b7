"""``GET /v1/accounts/usage``: bandwidth counted in the delivery path, storage of the media
library and of cached origin originals, and the spec's date validation."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import LiveServer
from tests.server.media import two_colour_png
from tests.server.origins.conftest import TIMEOUT, api, create_endpoint, create_origin, write_file
from tests.server.origins.peers import WebFolder
from tests.server.uploads import uploaded

USAGE = "/v1/accounts/usage"
BEFORE = "startDate should be before endDate."


def _usage(server: LiveServer, start: date, end: date) -> dict[str, Any]:
    response = api(
        server, "GET", USAGE, params={"startDate": start.isoformat(), "endDate": end.isoformat()}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_usage_reports_delivered_bytes_and_storage(
    origin_server: LiveServer, folder: WebFolder
) -> None:
    today = datetime.now(timezone.utc).date()
    window = (today - timedelta(days=1), today + timedelta(days=1))
    before = _usage(origin_server, *window)
    assert set(before) == {
        "bandwidthBytes",
        "mediaLibraryStorageBytes",
        "videoProcessingUnitsCount",
        "extensionUnitsCount",
        "originalCacheStorageBytes",
    }
    image = two_colour_png(64, 32)
    file = uploaded(origin_server, image, f"{secrets.token_hex(4)}.png")
    relative = f"usage/{secrets.token_hex(4)}.png"
    origin_image = two_colour_png(50, 20)
    write_file(folder.root, relative, origin_image)
    origin = create_origin(
        origin_server, {"type": "WEB_FOLDER", "name": "w", "baseUrl": folder.base_url}
    )
    prefix = create_endpoint(origin_server, [origin["id"]])["urlPrefix"]

    delivered = 0
    for url in (
        f"{origin_server.url_endpoint}{file['filePath']}",
        f"{origin_server.url_endpoint}/tr:w-10{file['filePath']}",
        f"{origin_server.url_endpoint}/tr:w-10{file['filePath']}",  # from the memory cache
        f"{origin_server.url_endpoint}/{prefix}/{relative}",
        f"{origin_server.url_endpoint}/{prefix}/tr:w-20/{relative}",
    ):
        response = requests.get(url, timeout=TIMEOUT)
        assert response.status_code == 200
        delivered += len(response.content)
    for path in (file["filePath"], f"/tr:w-10{file['filePath']}"):
        head = requests.head(f"{origin_server.url_endpoint}{path}", timeout=TIMEOUT)
        assert head.status_code == 200  # headers only: no bytes delivered

    after = _usage(origin_server, *window)
    assert after["bandwidthBytes"] - before["bandwidthBytes"] == delivered
    assert after["mediaLibraryStorageBytes"] - before["mediaLibraryStorageBytes"] == len(image)
    assert after["originalCacheStorageBytes"] - before["originalCacheStorageBytes"] == len(
        origin_image
    )
    yesterday_only = _usage(origin_server, today - timedelta(days=1), today)
    assert yesterday_only["bandwidthBytes"] == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "startDate and endDate are required in query parameters."),
        ({"startDate": "2026-01-01"}, "startDate and endDate are required in query parameters."),
        (
            {"startDate": "01-01-2026", "endDate": "2026-01-05"},
            "startDate and endDate should be in format YYYY-MM-DD.",
        ),
        ({"startDate": "2026-01-05", "endDate": "2026-01-05"}, BEFORE),
        ({"startDate": "2026-02-01", "endDate": "2026-01-05"}, BEFORE),
        (
            {"startDate": "2026-01-01", "endDate": "2026-04-01"},
            "startDate and endDate should be within 90 days.",
        ),
    ],
)
def test_usage_date_validation(
    origin_server: LiveServer, params: dict[str, str], message: str
) -> None:
    response = api(origin_server, "GET", USAGE, params=params)
    assert response.status_code == 400
    assert response.json()["message"] == message


def test_usage_accepts_89_days(origin_server: LiveServer) -> None:
    start = date(2026, 1, 1)
    assert _usage(origin_server, start, start + timedelta(days=89))["bandwidthBytes"] == 0
