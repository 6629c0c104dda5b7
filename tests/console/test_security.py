"""Sign-in, sessions and isolation from user-uploaded files, in Chromium and over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from tests.console.conftest import sign_in
from tests.fixtures.live_server import LiveServer
from tests.server.uploads import uploaded

if TYPE_CHECKING:
    from playwright.sync_api import Page


# Everything a script on the console's origin could try with the console's privileges; it
# writes what succeeded into the page title.
ATTACK_JS = """
(async () => {
  const found = [];
  try {
    const page = await fetch('/console/browse', {credentials: 'include'});
    const text = await page.text();
    if (page.ok && text.includes('console-csrf')) found.push('read-page');
  } catch (e) {}
  try {
    const form = new FormData();
    form.append('operation', 'create');
    form.append('new_name', 'pwned');
    form.append('path', '/');
    const posted = await fetch(
      '/console/operations', {method: 'POST', body: form, credentials: 'include'});
    if (posted.ok) found.push('posted');
  } catch (e) {}
  try {
    const auth = await fetch('/console/upload-auth', {method: 'POST', credentials: 'include'});
    if (auth.ok) found.push('upload-auth');
  } catch (e) {}
  try {
    const frame = document.createElementNS('http://www.w3.org/1999/xhtml', 'iframe');
    frame.src = '/console/browse';
    document.documentElement.appendChild(frame);
    await new Promise(resolve => setTimeout(resolve, 1500));
    if (frame.contentDocument && frame.contentDocument.querySelector('meta[name=console-csrf]'))
      found.push('framed');
  } catch (e) {}
  try {
    const popup = window.open('/console/browse');
    await new Promise(resolve => setTimeout(resolve, 1500));
    if (popup && popup.document && popup.document.querySelector('meta[name=console-csrf]'))
      found.push('popup');
  } catch (e) {}
  if (document.cookie.includes('ik_console')) found.push('cookie');
  document.title = 'done:' + found.join(',');
})();
"""

# An uploaded SVG carrying that script.
HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script><![CDATA['
    + ATTACK_JS.encode()
    + b"]]></script></svg>"
)


def test_sign_in_sets_a_strict_http_only_cookie_scoped_to_the_console(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server)
    cookies = page.context.cookies()
    session = next(cookie for cookie in cookies if cookie["name"] == "ik_console")
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"
    assert session["path"] == "/console"
    assert live_server.private_key not in session["value"]
    html = page.content()
    assert live_server.private_key not in html
    assert page.get_by_role("heading", name="/").is_visible()
    assert live_server.private_key not in live_server.log()


def test_wrong_keys_are_refused(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.base_url}/console/signin")
    page.get_by_label("Public key").fill(live_server.public_key)
    page.get_by_label("Private key").fill("private_wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "These keys do not match an account."
    assert not [c for c in page.context.cookies() if c["name"] == "ik_console"]


def test_pages_carry_a_strict_policy(live_server: LiveServer) -> None:
    response = requests.get(f"{live_server.base_url}/console/signin", timeout=10)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    unsigned = requests.get(
        f"{live_server.base_url}/console/browse", allow_redirects=False, timeout=10
    )
    assert unsigned.status_code == 303
    assert unsigned.headers["Location"].startswith("/console/signin")


def test_writes_without_the_token_or_from_another_origin_are_refused(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server)
    cookie = next(c for c in page.context.cookies() if c["name"] == "ik_console")
    jar = {"ik_console": cookie["value"]}
    url = f"{live_server.base_url}/console/operations"
    form = {"operation": "create", "new_name": "x", "path": "/"}
    assert requests.post(url, data=form, cookies=jar, timeout=10).status_code == 403
    token = page.locator('meta[name="console-csrf"]').get_attribute("content")
    evil = {"Origin": "http://evil.example", "X-Console-CSRF": token}
    assert requests.post(url, data=form, cookies=jar, headers=evil, timeout=10).status_code == 403
    good = {"Origin": live_server.base_url, "X-Console-CSRF": token}
    assert requests.post(url, data=form, cookies=jar, headers=good, timeout=10).status_code == 200


def test_an_uploaded_svg_runs_no_script_on_the_console_origin(
    page: Page, live_server: LiveServer
) -> None:
    """Delivery's sandbox policy (docs/security.md) stops the script before it starts."""
    uploaded(live_server, HOSTILE_SVG, "evil.svg", useUniqueFileName="false")
    sign_in(page, live_server)
    response = page.goto(f"{live_server.url_endpoint}/evil.svg")
    assert response is not None and "sandbox" in response.headers["content-security-policy"]
    page.wait_for_timeout(2000)
    assert not page.title().startswith("done:")
    _assert_not_created(live_server)


def test_a_script_on_the_same_origin_cannot_read_or_act_through_the_console(
    page: Page, live_server: LiveServer
) -> None:
    """Defence in depth: should a script ever run on the origin (a page without the sandbox
    policy stands in for one), the console's own checks still hold."""
    sign_in(page, live_server)
    page.goto(f"{live_server.base_url}/healthz")
    page.evaluate(ATTACK_JS)
    page.wait_for_function("document.title.startsWith('done:')", timeout=15000)
    assert page.title() == "done:"
    _assert_not_created(live_server)


def _assert_not_created(live_server: LiveServer) -> None:
    folders = requests.get(
        f"{live_server.base_url}/v1/files",
        params={"type": "folder"},
        auth=live_server.auth,
        timeout=10,
    ).json()
    assert "pwned" not in [item.get("name") for item in folders]


def test_several_accounts_sign_in_separately_and_see_only_their_files(
    page: Page, live_server: LiveServer
) -> None:
    created = live_server.cli("accounts", "create", "second")
    assert created.returncode == 0, created.stderr
    keys = dict(line.partition("=")[::2] for line in created.stdout.splitlines() if "=" in line)
    theirs = requests.post(
        f"{live_server.base_url}/api/v1/files/upload",
        files={"file": ("theirs.png", b"\x89PNG-not-really"), "fileName": (None, "theirs.txt")},
        auth=(keys["IMAGEKIT_PRIVATE_KEY"], ""),
        timeout=10,
    )
    assert theirs.status_code == 200, theirs.text
    mine = uploaded(live_server, b"mine", "mine.txt", folder="/accounts-mine")

    page.goto(f"{live_server.base_url}/console/signin")
    page.get_by_label("Public key").fill(keys["IMAGEKIT_PUBLIC_KEY"])
    page.get_by_label("Private key").fill(keys["IMAGEKIT_PRIVATE_KEY"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/browse")
    assert page.locator(".account").inner_text() == "second"
    names = page.locator("#items .name").all_inner_texts()
    assert any(name.startswith("theirs") for name in names)
    assert "accounts-mine" not in names
    response = page.goto(f"{live_server.base_url}/console/files/{mine['fileId']}")
    assert response.status == 404
