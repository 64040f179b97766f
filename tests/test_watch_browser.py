"""The /sources page in Chromium against `eventwire serve --watch`: an article appears without a reload when the
watcher stores it, titles from the web stay text, and no request leaves the server."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from support.watch import WAIT, article_text, running_site, wait_for
from support.web import CHROMIUM, CHROMIUM_MISSING, chromium, eventwire_command, free_port

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HOSTILE = '<img src=x onerror="window.__pwned=1">Story 71'


def test_sources_page_shows_new_articles_as_the_watcher_stores_them(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "EVENTWIRE_API_TOKEN"}
    with running_site() as site:
        first = site.page("/news/70", "Story 70", article_text(70))
        feed = site.feed("/feed.xml", [(first, "Story 70")])
        log = (tmp_path / "serve.log").open("wb")
        server = subprocess.Popen([*eventwire_command(), "serve", "--db", str(db), "--port", str(port),
                                   "--watch", feed, "--every", "1s"], stdout=log, stderr=log, env=env)
        try:
            def stored() -> int:
                try:
                    return len(httpx.get(f"{base}/api/sources", timeout=30).json()["latest"])
                except (httpx.TransportError, ValueError, KeyError):
                    return 0

            wait_for(lambda: stored() == 1, "the first article", server)
            with chromium() as browser:
                context = browser.new_context(base_url=base)  # type: ignore[attr-defined]
                foreign: list[str] = []
                errors: list[str] = []
                context.on("request", lambda r: None if r.url.startswith(base) else foreign.append(r.url))
                page: Page = context.new_page()
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto("/sources")
                latest = page.locator("#watch-latest tbody")
                expect(latest).to_contain_text("Story 70")
                expect(page.locator("#watch-sources tbody")).to_contain_text("feed")
                # A new item appears in the feed; the page, not reloaded, shows it once the watcher stored it.
                second = site.page("/news/71", HOSTILE, article_text(71))
                site.feed("/feed.xml", [(first, "Story 70"), (second, "Story 71")])
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
                context.close()
            assert foreign == [] and errors == []
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(WAIT)
