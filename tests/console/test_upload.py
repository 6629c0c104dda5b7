"""Uploads from the console in Chromium: several files, a folder and a drop, with progress."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from tests.console.conftest import sign_in
from tests.fixtures.live_server import LiveServer
from tests.server.media import solid_image

if TYPE_CHECKING:
    from playwright.sync_api import Page


# Records every text the per-file status outputs show, to prove progress was reported.
RECORD_STATES = """() => {
  window.seenStates = [];
  new MutationObserver(() => {
    for (const out of document.querySelectorAll('#uploads output'))
      window.seenStates.push(out.textContent);
  }).observe(document.getElementById('uploads'), {subtree: true, childList: true,
                                                  characterData: true});
}"""


def _files(server: LiveServer, **params: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{server.base_url}/v1/files", params=params, auth=server.auth, timeout=10
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


def test_upload_files_and_a_folder_with_options_and_progress(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    red = tmp_path / "red.png"
    red.write_bytes(solid_image(40, 30, (255, 0, 0)))
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 * 1024 * 1024))
    tree = tmp_path / "trip"
    (tree / "day1").mkdir(parents=True)
    (tree / "day1" / "blue.png").write_bytes(solid_image(20, 20, (0, 0, 255)))
    (tree / "green.png").write_bytes(solid_image(20, 20, (0, 255, 0)))

    sign_in(page, live_server, next_path="/console/upload")
    page.evaluate(RECORD_STATES)
    page.get_by_label("Destination folder").fill("/uploads")
    page.get_by_label("Tags (comma separated)").fill("summer,beach")
    page.get_by_label("Private file").check()
    page.get_by_label("Custom metadata (JSON)").fill("{}")
    page.get_by_label("Files").set_input_files([str(red), str(big)])
    uploads = page.locator("#uploads li")
    uploads.nth(1).wait_for()
    page.locator('#uploads li[data-state="done"]').nth(1).wait_for()
    page.get_by_label("Private file").uncheck()
    page.get_by_label("A whole directory").set_input_files(str(tree))
    page.locator('#uploads li[data-state="done"]').nth(3).wait_for()
    assert page.locator('#uploads li[data-state="failed"]').count() == 0
    bars = page.locator("#uploads progress")
    for index in range(4):
        bar = bars.nth(index)
        assert bar.get_attribute("max") and bar.evaluate("b => b.value === b.max")
    seen = page.evaluate("window.seenStates")
    assert "100%" in seen and "done" in seen

    stored = {item["filePath"]: item for item in _files(live_server, path="/uploads")}
    assert set(stored) == {"/uploads/red.png", "/uploads/big.bin"}
    assert stored["/uploads/red.png"]["tags"] == ["summer", "beach"]
    assert stored["/uploads/red.png"]["isPrivateFile"] is True
    assert stored["/uploads/big.bin"]["size"] == 3 * 1024 * 1024
    nested = [item["filePath"] for item in _files(live_server, searchQuery='name = "blue.png"')]
    assert nested == ["/uploads/trip/day1/blue.png"]


def test_a_dropped_file_uploads(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, next_path="/console/upload?folder=/dropped")
    png = list(solid_image(8, 8, (9, 9, 9)))
    page.evaluate(
        """bytes => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.png', {type: 'image/png'}));
          document.getElementById('dropzone').dispatchEvent(
            new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        png,
    )
    page.locator('#uploads li[data-state="done"]').first.wait_for()
    items = _files(live_server, path="/dropped")
    assert [item["name"] for item in items] == ["dropped.png"]
    assert json.dumps(items[0]["tags"]) == "null"
