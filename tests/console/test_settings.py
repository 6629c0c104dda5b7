"""Settings pages in Chromium: custom metadata fields, named transformations, usage."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from tests.console.conftest import sign_in
from tests.fixtures.live_server import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_add_and_delete_a_field_and_a_named_transformation(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, next_path="/console/settings")
    assert page.get_by_role("heading", name="Usage since").is_visible()
    page.get_by_label("Field name").fill("season")
    page.get_by_label("Field label").fill("Season")
    page.get_by_label("Field type").select_option("SingleSelect")
    page.get_by_label("Options (for selects, comma separated)").fill("spring, summer")
    page.get_by_role("button", name="Add field").click()
    page.get_by_role("status").filter(has_text="Create field done").wait_for()
    fields = requests.get(
        f"{live_server.base_url}/v1/customMetadataFields", auth=live_server.auth, timeout=10
    ).json()
    assert [f["schema"]["selectOptions"] for f in fields if f["name"] == "season"] == [
        ["spring", "summer"]
    ]
    page.get_by_label("Transformation name").fill("thumb")
    page.get_by_label("Chain").fill("w-100,h-100")
    page.get_by_role("button", name="Add named transformation").click()
    page.get_by_role("status").filter(has_text="Create named done").wait_for()
    assert page.get_by_role("cell", name="n-thumb").is_visible()
    page.get_by_role("button", name="Delete field season").click()
    page.get_by_role("status").filter(has_text="Delete field done").wait_for()
    page.get_by_label("Field name").fill("season")
    page.get_by_label("Field label").fill("")
    page.get_by_label("Field label").evaluate("input => input.removeAttribute('required')")
    page.get_by_role("button", name="Add field").click()
    assert page.get_by_role("alert").is_visible()


def test_add_an_origin_and_a_url_endpoint_then_delete_them(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, next_path="/console/settings")
    origin = '{"type": "WEB_FOLDER", "name": "site", "baseUrl": "https://example.com/images"}'
    page.get_by_label("New origin (JSON, as the API takes it)").fill(origin)
    page.get_by_role("button", name="Add origin").click()
    page.get_by_role("status").filter(has_text="Create origin done").wait_for()
    page.get_by_label("Endpoint description").fill("Our site")
    page.get_by_label("URL prefix").fill("site")
    page.get_by_label("Origins, in order").select_option(label="site")
    page.get_by_role("button", name="Add URL endpoint").click()
    page.get_by_role("status").filter(has_text="Create endpoint done").wait_for()
    endpoints = requests.get(
        f"{live_server.base_url}/v1/accounts/url-endpoints", auth=live_server.auth, timeout=10
    ).json()
    assert [e["urlPrefix"] for e in endpoints if e["description"] == "Our site"] == ["site"]
    page.get_by_role("button", name="Delete URL endpoint site").click()
    page.get_by_role("status").filter(has_text="Delete endpoint done").wait_for()
    page.get_by_role("button", name="Delete origin site").click()
    page.get_by_role("status").filter(has_text="Delete origin done").wait_for()
    origins = requests.get(
        f"{live_server.base_url}/v1/accounts/origins", auth=live_server.auth, timeout=10
    ).json()
    assert "site" not in [item["name"] for item in origins]
