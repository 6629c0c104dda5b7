"""Search in Chromium: the searchQuery language, simple filters, errors with their position."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.console.conftest import sign_in
from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image
from tests.server.uploads import uploaded

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_search_with_a_query_filters_and_an_error_position(
    page: Page, live_server: LiveServer
) -> None:
    for name, tags, fmt in (
        ("sun.png", "summer", ".png"),
        ("sea.jpg", "summer", ".jpg"),
        ("snow.png", "winter", ".png"),
    ):
        uploaded(
            live_server,
            solid_image(30, 20, (10, 120, 200), fmt),
            name,
            folder="/search",
            tags=tags,
            useUniqueFileName="false",
        )
    sign_in(page, live_server, next_path="/console/search")
    page.get_by_label("searchQuery").fill('tags IN ["summer"]')
    page.get_by_role("button", name="Search").click()
    status = page.get_by_role("status")
    status.filter(has_text="2 results").wait_for()
    names = page.locator("#results .name").all_inner_texts()
    assert sorted(names) == ["/search/sea.jpg", "/search/sun.png"]

    page.get_by_label("Format").fill("png")
    page.get_by_role("button", name="Search").click()
    status.filter(has_text="1 result").wait_for()
    assert page.locator("#results .name").all_inner_texts() == ["/search/sun.png"]

    page.get_by_label("searchQuery").fill('tags IN ["summer"] AND size >')
    page.get_by_role("button", name="Search").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "position 29" in alert.inner_text()
    caret = page.get_by_label("Where the error is").inner_text()
    assert caret.splitlines()[1] == " " * 29 + "^"
    page.get_by_label("searchQuery").fill('colour = "red"')
    page.get_by_role("button", name="Search").click()
    page.get_by_role("alert").filter(has_text="colour").wait_for()
