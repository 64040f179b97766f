"""The /sources page in Chromium against `eventwire serve --watch`: an article appears without a reload when the
watcher stores it, titles from the web stay text, and no request leaves the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.watch import WAIT, Site, article_text, running_site, serving_watch, wait_for
from support.web import CHROMIUM, CHROMIUM_MISSING, LiveServer

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HOSTILE = '<img src=x onerror="window.__pwned=1">Story 71'


@pytest.fixture
def site() -> Iterator[Site]:
    with running_site() as running:
        yield running


# `browser` and `page` (no request leaves the server, no script error, no dialog) come from conftest.py.
@pytest.fixture
def server(site: Site, tmp_path: Path) -> Iterator[LiveServer]:
    """``serve --watch`` on a feed listing one article, once its watcher has stored it."""
    first = site.page("/news/70", "Story 70", article_text(70))
    feed = site.feed("/feed.xml", [(first, "Story 70")])
    db, log = tmp_path / "live.duckdb", tmp_path / "serve.log"
    with serving_watch(db, feed, log) as (process, base):
        def stored() -> int:
            try:
                return len(httpx.get(f"{base}/api/sources", timeout=30).json()["latest"])
            except (httpx.TransportError, ValueError, KeyError):
                return 0

        wait_for(lambda: stored() == 1, "the first article", process)
        yield LiveServer(base, db, process, log)


def test_sources_page_shows_new_articles_as_the_watcher_stores_them(site: Site, page: Page) -> None:
    page.goto("/sources")
    latest = page.locator("#watch-latest tbody")
    expect(latest).to_contain_text("Story 70")
    expect(page.locator("#watch-sources tbody")).to_contain_text("feed")
    # A new item appears in the feed; the page, not reloaded, shows it once the watcher stored it.
    second = site.page("/news/71", HOSTILE, article_text(71))
    site.feed("/feed.xml", [(site.url("/news/70"), "Story 70"), (second, "Story 71")])
    expect(latest).to_contain_text(HOSTILE, timeout=WAIT * 1000)
    expect(latest.locator("tr")).to_have_count(2)
    assert page.evaluate("window.__pwned") is None
    assert latest.locator("img").count() == 0
    link = latest.locator("a", has_text="Story 71")
    assert link.get_attribute("href", timeout=WAIT * 1000).startswith("/articles/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sources.png"), full_page=True)
    link.click()
    expect(page.locator("h1")).to_contain_text("Story 71")
