"""Magnitudes in the UI, in Debian's Chromium (Playwright) against a live ``eventwire serve``: the article view
marks the words that state a figure, a click shows them in the event's record, and the dyad timeline can be
drawn by fatalities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from support.magnitudes import ARTICLES
from support.web import CHROMIUM, CHROMIUM_MISSING, LiveServer, chromium, live_server

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

from playwright.sync_api import Browser, Page, expect  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db: Path = tmp_path_factory.mktemp("magnitudes-browser") / "m.duckdb"
    with Store(db) as store:
        store.write_batch(ARTICLES)
        refresh_derived(store.con)
    with live_server(db) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched  # type: ignore[misc]


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def test_clicking_a_figure_shows_the_event_record(page: Page) -> None:
    page.goto("/articles/raid-b")
    figure = page.locator(".article-text .hl-magnitude").first
    expect(figure).to_have_text("at least 20 people")
    figure.click()
    record = page.locator("#record-panel .record.kind-event")
    expect(record).to_contain_text("ASSAULT")
    expect(record).to_contain_text("killed 20+, injured 9")
    expect(page.locator("table.events")).to_contain_text("killed 20+")


def test_dyad_timeline_weighted_by_fatalities(page: Page) -> None:
    page.goto("/dyads/NGAUAF/NGACVL?interval=day&weight=killed")
    bars = page.locator("#timeline-chart rect.bar.killed")
    expect(bars).to_have_count(2)
    titles = sorted(bars.nth(i).locator("title").text_content() or "" for i in range(2))
    assert titles == ["2024-03-01: 34 killed (reported)", "2024-03-02: 16 killed (reported)"]
    page.goto("/dyads/NGAUAF/NGACVL?interval=day")
    expect(page.locator("#timeline-chart rect.bar.killed")).to_have_count(0)
    expect(page.locator("#timeline-chart rect.bar.quad4")).to_have_count(2)
