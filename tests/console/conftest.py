"""Fixtures of the console tests: the real server and Debian's Chromium driven by Playwright.

Chromium comes from apt (``make install-browser`` installs it); Playwright's own browser
downloads are never used. Without ``/usr/bin/chromium`` these tests are skipped with a reason.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from tests.fixtures.live_server import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


CHROMIUM = Path(os.environ.get("CONSOLE_TEST_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for all console tests (each test works in folders of its own)."""
    server = LiveServer(tmp_path_factory.mktemp("console-data"), {})
    server.start()
    yield server
    server.stop()


# Module scope: Playwright's sync API keeps an event loop running while it is open, which would
# break later tests that call asyncio.run() (the async SDK's).
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: run `make install-browser` (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, server: LiveServer, *, next_path: str = "/console/browse") -> None:
    page.goto(f"{server.base_url}/console/signin?next={next_path}")
    page.get_by_label("Public key").fill(server.public_key)
    page.get_by_label("Private key").fill(server.private_key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}*")


def http_session(server: LiveServer) -> tuple[requests.Session, str]:
    """A ``requests`` session signed in through the form, and the session's CSRF token."""
    session = requests.Session()
    form = session.get(f"{server.base_url}/console/signin", timeout=10).text
    token = re.search(r'name="signin_token" value="([^"]+)"', form)
    assert token is not None
    signed_in = session.post(
        f"{server.base_url}/console/signin",
        data={
            "signin_token": token.group(1),
            "public_key": server.public_key,
            "private_key": server.private_key,
            "next": "/console/browse",
        },
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text
    csrf = re.search(r'name="console-csrf" content="([^"]+)"', signed_in.text)
    assert csrf is not None
    return session, csrf.group(1)
