"""Near-duplicates in Chromium: "similar images" of a file and a folder's duplicates report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyvips

from tests.console.conftest import sign_in
from tests.fixtures.live_server import LiveServer
from tests.server.uploads import uploaded

if TYPE_CHECKING:
    from playwright.sync_api import Page


ASTRONAUT = Path(__file__).parents[1] / "data" / "astronaut.jpg"


def test_find_a_duplicate(page: Page, live_server: LiveServer) -> None:
    image = pyvips.Image.new_from_file(str(ASTRONAUT))
    files = {
        "original.jpg": ASTRONAUT.read_bytes(),
        "copy-small.jpg": image.resize(0.4).jpegsave_buffer(Q=50),
        "other.jpg": image.flipver().jpegsave_buffer(),
    }
    ids = {
        name: uploaded(live_server, data, name, folder="/dups", useUniqueFileName="false")["fileId"]
        for name, data in files.items()
    }
    sign_in(page, live_server, next_path=f"/console/files/{ids['original.jpg']}")
    page.get_by_role("link", name="Similar images").click()
    page.get_by_label("Largest pHash distance (bits, 0 to 11)").fill("6")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("status").filter(has_text="similar image").wait_for()
    names = page.locator("#main .items .name").all_inner_texts()
    # Other tests' copies of the same photo are similar too; this folder's are what count.
    assert [name for name in names if name.startswith("/dups/")] == ["/dups/copy-small.jpg"]

    page.get_by_role("link", name="Duplicates").click()
    page.get_by_label("Folder (with its subfolders)").fill("/dups")
    page.get_by_label("Largest pHash distance (bits, 0 to 11)").fill("6")
    page.get_by_role("button", name="Find duplicates").click()
    page.get_by_role("status").filter(has_text="1 group of near-duplicates").wait_for()
    group = page.get_by_role("region", name="Group 1")
    assert sorted(group.locator(".name").all_inner_texts()) == [
        "/dups/copy-small.jpg",
        "/dups/original.jpg",
    ]
