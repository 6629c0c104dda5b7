"""The file page in Chromium: typed custom metadata, the playground URL, version restore."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyvips
import requests

from tests.console.conftest import sign_in
from tests.fixtures.live_server import LiveServer
from tests.server.media import pixel, solid_image
from tests.server.uploads import uploaded

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _api(server: LiveServer, method: str, route: str, **kwargs: Any) -> Any:
    response = requests.request(
        method, f"{server.base_url}{route}", auth=server.auth, timeout=30, **kwargs
    )
    assert response.ok, response.text
    return response.json() if response.content else None


def test_edit_metadata_build_a_playground_url_and_restore_a_version(
    page: Page, live_server: LiveServer
) -> None:
    fields = [
        {"name": "price", "label": "Price", "schema": {"type": "Number", "minValue": 0}},
        {
            "name": "colour",
            "label": "Colour",
            "schema": {"type": "SingleSelect", "selectOptions": ["red", "green"]},
        },
        {"name": "approved", "label": "Approved", "schema": {"type": "Boolean"}},
    ]
    for field in fields:
        _api(live_server, "POST", "/v1/customMetadataFields", json=field)
    first = uploaded(
        live_server, solid_image(80, 40, (255, 0, 0)), "car.png", useUniqueFileName="false"
    )
    second = uploaded(
        live_server, solid_image(80, 40, (0, 0, 255)), "car.png", useUniqueFileName="false"
    )
    file_id = first["fileId"]
    assert second["fileId"] == file_id
    sign_in(page, live_server, next_path=f"/console/files/{file_id}")

    # Metadata, with the field types' own inputs.
    page.get_by_label("Tags (comma separated)").fill("cars, blue")
    page.get_by_label("Price (Number)").fill("12.5")
    page.get_by_label("Colour (SingleSelect)").select_option("green")
    page.get_by_label("Approved (Boolean)").check()
    page.get_by_role("button", name="Save details").click()
    page.get_by_role("status").filter(has_text="Details saved").wait_for()
    details = _api(live_server, "GET", f"/v1/files/{file_id}/details")
    assert details["tags"] == ["cars", "blue"]
    assert details["customMetadata"] == {"price": 12.5, "colour": "green", "approved": True}

    # The playground: two steps, a live preview, the URL copied and fetched.
    page.get_by_label("Step 1").fill("w-40,h-20")
    page.get_by_role("button", name="Add step").click()
    page.get_by_label("Step 2").fill("rt-90")
    preview = page.locator("#pg-preview")
    preview.and_(page.locator('[src*="tr:w-40,h-20:rt-90"]')).wait_for()
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 20
    page.get_by_role("button", name="Copy URL").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url_endpoint}/tr:w-40,h-20:rt-90/car.png"
    image = pyvips.Image.new_from_buffer(requests.get(copied, timeout=30).content, "")
    assert (image.width, image.height) == (20, 40)
    sdk = page.locator("#pg-sdk").inner_text()
    assert '"transformation": [{"width": "40", "height": "20"}, {"rotation": "90"}]' in sdk

    # Restore version 1 (red): the current file is red again.
    page.get_by_role("button", name="Restore Version 1").click()
    page.get_by_role("status").filter(has_text="Restore done").wait_for()
    original = requests.get(f"{live_server.url_endpoint}/car.png", timeout=30).content
    assert pixel(original, 10, 10)[:3] == [255, 0, 0]
    restored = _api(live_server, "GET", f"/v1/files/{file_id}/details")
    assert restored["versionInfo"]["id"] == file_id  # version 1's id is the file id


def test_publish_purge_delete_a_version_and_a_signed_url(
    page: Page, live_server: LiveServer
) -> None:
    first = uploaded(
        live_server,
        solid_image(30, 30, (0, 255, 0)),
        "leaf.png",
        folder="/leaves",
        useUniqueFileName="false",
    )
    uploaded(
        live_server,
        solid_image(30, 30, (0, 128, 0)),
        "leaf.png",
        folder="/leaves",
        useUniqueFileName="false",
    )
    file_id = first["fileId"]
    sign_in(page, live_server, next_path=f"/console/files/{file_id}")
    page.get_by_role("button", name="Delete Version 1").click()
    page.get_by_role("status").filter(has_text="Delete version done").wait_for()
    assert len(_api(live_server, "GET", f"/v1/files/{file_id}/versions")) == 1

    page.get_by_role("button", name="Unpublish").click()
    page.get_by_role("status").filter(has_text="Publish done").wait_for()
    assert _api(live_server, "GET", f"/v1/files/{file_id}/details")["isPublished"] is False
    unpublished = requests.get(f"{live_server.url_endpoint}/leaves/leaf.png", timeout=10)
    assert unpublished.status_code == 404
    # The preview and the playground's signed URL still show it.
    preview = page.get_by_role("img", name="leaf.png")
    assert preview.evaluate("img => img.complete && img.naturalWidth") > 0
    page.locator("#pg-preview").wait_for()
    page.get_by_role("button", name="Copy signed URL").click()
    signed = page.evaluate("navigator.clipboard.readText()")
    assert "ik-s=" in signed
    assert requests.get(signed, timeout=30).status_code == 200

    page.get_by_role("button", name="Purge cache").click()
    page.get_by_role("status").filter(has_text="Purge done").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("status").filter(has_text="Publish done").wait_for()
    assert _api(live_server, "GET", f"/v1/files/{file_id}/details")["isPublished"] is True
