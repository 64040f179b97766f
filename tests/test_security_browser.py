"""XSS in Chromium: every field of a hostile article carries a script payload; no page runs any of it.

The browser context bypasses the Content-Security-Policy on purpose, so escaping alone is what is tested (the CSP
is a second line of defence, checked in test_web_api.py). A payload that ran would set ``window.__pwned``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from support.hostile import build_hostile_db, hostile_everything, payload
from support.web import CHROMIUM, CHROMIUM_MISSING, LiveServer, served

pytestmark = pytest.mark.browser


if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

from playwright.sync_api import Page  # noqa: E402

ARTICLE = hostile_everything()
KB_KEY = ARTICLE.actors[0].kb_id or ""
# Elements a payload would create; the pages' own <script> tags all have a src or are JSON data blocks.
INJECTED = "img[src='x'], svg[onload], [onerror], [onload], script:not([src]):not([type='application/json'])"
PAGES = [
    "/", "/articles", "/events", "/actors", f"/articles/{quote(ARTICLE.id, safe='')}",
    f"/actors/{quote(KB_KEY, safe='')}", f"/actors/{quote('kb:usa', safe='')}",
    f"/dyads/{quote('USA<script>', safe='')}/IRQ", f"/events?actor={quote(ARTICLE.events[0].actor[0].text)}",
    "/events?q=" + quote(ARTICLE.text[-40:]), "/articles?q=" + quote("window.__pwned"),
    "/articles/" + quote("<img src=x onerror=window.__pwned=1>", safe=""),
    "/actors?q=" + quote("\"><script>window.__pwned=1</script>"),
]


# `browser` and `page` (no request leaves the server, no script error, no dialog) come from conftest.py.
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with served(tmp_path_factory, "xss", build_hostile_db) as live:
        yield live


@pytest.fixture(scope="module")
def browser_context() -> dict[str, Any]:
    return {"bypass_csp": True, "java_script_enabled": True}


def assert_clean(page: Page, where: str) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", (where, page.evaluate("window.__pwned"))
    assert page.locator(INJECTED).count() == 0, where
    # SVG links (the actor network) have no .protocol: resolve every href attribute the way a click would.
    hrefs = page.eval_on_selector_all(
        "a[href], a[*|href]",
        "links => links.map(a => new URL(a.getAttribute('href') ?? a.getAttribute('xlink:href'), document.baseURI)"
        ".protocol)")
    assert set(hrefs) <= {"http:", "https:"}, (where, hrefs)


@pytest.mark.parametrize("path", PAGES)
def test_no_payload_runs_on_any_page(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status in (200, 404), (path, response and response.status)
    page.wait_for_load_state("load")
    assert_clean(page, path)


def test_every_field_of_the_hostile_article_is_shown_as_text(page: Page) -> None:
    page.goto(f"/articles/{quote(ARTICLE.id, safe='')}")
    body = page.locator("body").inner_text()
    for tag in ("TITLE", "OUTLET", "MENTION", "QUOTE", "TRIGGER", "PLACE"):
        assert payload(tag) in body, tag
    # The javascript: URL is shown as text, and is not a link (no anchor points anywhere but http(s)).
    assert "javascript:window.__pwned='URL'" in body
    assert page.locator("a[href*='javascript' i], [href^='javascript' i]").count() == 0
    assert_clean(page, "article")


def test_every_popup_shows_its_record_as_text(page: Page) -> None:
    """Click each highlighted span: the record panel (built by app.js) shows actor names from the KB, roles,
    quote speaker/cue/channel, event parties, mode and date text, all as text."""
    page.goto(f"/articles/{quote(ARTICLE.id, safe='')}")
    spans = page.locator(".article-text .hl")
    assert spans.count() >= 4
    shown = []
    for i in range(spans.count()):
        spans.nth(i).click()
        spans.nth(i).hover()
        spans.nth(i).focus()
        page.keyboard.press("Enter")
        shown.append(page.locator("#record-panel").inner_text())
        assert_clean(page, f"popup {i}")
    panel = "\n".join(shown)
    for tag in ("KBNAME", "ROLE", "SPEAKER", "CUE", "CHANNEL", "TARGET", "MODE", "DATETEXT", "PLACENAME"):
        assert payload(tag) in panel, tag


def test_actor_page_of_a_hostile_kb_actor(page: Page) -> None:
    page.goto(f"/actors/{quote(KB_KEY, safe='')}")
    body = page.locator("body").inner_text()
    assert payload("KBNAME") in body
    assert_clean(page, "actor page")
    if os.environ.get("EVENTWIRE_SECURITY_SCREENSHOTS"):
        page.screenshot(path="test-artifacts/security-actor.png", full_page=True)


def test_event_table_shows_party_texts_and_place_as_text(page: Page) -> None:
    page.goto("/events?article=" + quote(ARTICLE.id, safe=""))
    body = page.locator("body").inner_text()
    assert payload("SOURCE") in body or payload("KBNAME") in body
    assert payload("TARGET") in body and payload("OUTLET") in body
    assert_clean(page, "events of the hostile article")
