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
from support.web import CHROMIUM, CHROMIUM_MISSING, LiveServer, served

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402


def _build(db: Path) -> None:
    with Store(db) as store:
        store.write_batch(ARTICLES)
        refresh_derived(store.con)


# `browser` and `page` (no request leaves the server, no script error, no dialog) come from conftest.py.
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with served(tmp_path_factory, "magnitudes-browser", _build) as live:
        yield live


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
