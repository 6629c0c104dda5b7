"""Accessibility and phone layout of the main pages in Chromium: every control labelled, text
contrast at WCAG AA, no sideways scrolling at 390 px, sign-in by keyboard alone.

With ``CONSOLE_SCREENSHOTS=<dir>`` the test also saves the screenshots the docs show."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.console.conftest import sign_in
from tests.fixtures.live_server import LiveServer
from tests.server.uploads import uploaded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


ASTRONAUT = Path(__file__).parents[1] / "data" / "astronaut.jpg"

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 80))"""

# Contrast of every visible text against its nearest opaque background (WCAG 2 formula).
LOW_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = el => { for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c; }
    return [255, 255, 255]; };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < 4.5) bad.push(el.tagName + ' ' + text + ' ' + ratio.toFixed(2));
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def library(live_server: LiveServer) -> str:
    first = uploaded(
        live_server, ASTRONAUT.read_bytes(), "astronaut.jpg", folder="/space", tags="nasa"
    )
    uploaded(live_server, ASTRONAUT.read_bytes(), "astronaut-2.jpg", folder="/space")
    uploaded(live_server, ASTRONAUT.read_bytes(), "cover.jpg", folder="/", tags="nasa")
    file_id: str = first["fileId"]
    return file_id


def _pages(file_id: str) -> dict[str, str]:
    return {
        "browse": "/console/browse?path=/space",
        "browse-list": "/console/browse?path=/&view=list",
        "upload": "/console/upload",
        "search": '/console/search?q=tags+IN+["nasa"]',
        "file": f"/console/files/{file_id}",
        "duplicates": "/console/duplicates?path=/&maxDistance=3",
        "settings": "/console/settings",
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_are_labelled_legible_and_fit_the_screen(
    browser: Browser, live_server: LiveServer, library: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    shots = os.environ.get("CONSOLE_SCREENSHOTS")
    try:
        sign_in(page, live_server)
        for name, path in _pages(library).items():
            page.goto(f"{live_server.base_url}{path}")
            page.wait_for_load_state("networkidle")
            assert page.evaluate(UNLABELLED) == [], name
            assert page.evaluate(LOW_CONTRAST) == [], name
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, (name, overflow)
            if shots:
                suffix = "" if width > 500 else "-phone"
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{name}{suffix}.png")
    finally:
        context.close()


def test_sign_in_and_browse_by_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.base_url}/console/signin")
    keyboard = page.keyboard
    keyboard.press("Tab")  # the skip link
    keyboard.press("Tab")
    keyboard.type(live_server.public_key)
    keyboard.press("Tab")
    keyboard.type(live_server.private_key)
    keyboard.press("Enter")
    page.wait_for_url("**/console/browse")
    focused = []
    for _ in range(12):
        keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Library" in focused and "Upload" in focused and "Sign out" in focused
