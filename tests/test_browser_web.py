"""The UI in Debian's Chromium (Playwright) against a live ``eventwire serve``; screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.web import CHROMIUM, CHROMIUM_MISSING, LiveServer, build_db, served

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
README_SCREENSHOT = REPO / "docs" / "screenshot.png"

if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402


# `browser` and `page` (no request leaves the server, no script error, no dialog) come from conftest.py.
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with served(tmp_path_factory, "browser", build_db) as live:
        yield live


def shoot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_home_shows_counts_and_latest_events(page: Page) -> None:
    page.goto("/")
    expect(page.locator("#count-articles")).to_have_text("10")
    expect(page.locator("#count-events")).to_have_text("12")
    expect(page.locator("table.events tbody tr")).to_have_count(12)
    expect(page.locator("table.events tbody tr").first).to_contain_text("CONSULT")
    expect(page.locator("table.events tbody tr.is-negated")).to_have_count(1)
    expect(page.locator("table.events .badge.negated")).to_have_text("negated")
    shoot(page, "home")


def test_article_quote_shows_its_speaker(page: Page) -> None:
    page.goto("/articles/talks")
    quote = page.locator(".article-text .hl-quote").first
    expect(quote).to_contain_text("We will stay")
    expect(quote).to_have_attribute("title", "Quote (direct) — speaker: Jim Mattis")
    quote.click()
    panel = page.locator("#record-panel")
    expect(panel.locator(".record.kind-quote")).to_contain_text("Speaker")
    expect(panel.locator(".record.kind-quote dd").first).to_have_text("Jim Mattis")
    expect(panel.locator(".record.kind-quote a")).to_have_attribute("href", "/actors/kb%3Ajim-mattis")
    # The anonymous source and the negated and hypothetical triggers are marked.
    anonymous = page.locator(".article-text .hl-quote.anon")
    expect(anonymous).to_have_count(3)  # the quote is cut around the trigger inside it
    expect(anonymous.first).to_have_attribute("title", re.compile(r"speaker: Officials who declined.*\[anonymous\]"))
    expect(page.locator(".article-text .hl-event.negated")).to_have_text("agreement")
    expect(page.locator(".article-text .hl-event.hypothetical")).to_have_text("sign")
    page.locator(".article-text .hl-event.negated").click()
    expect(panel.locator(".record.kind-event")).to_contain_text("negated")
    shoot(page, "article")
    if os.environ.get("EVENTWIRE_UPDATE_SCREENSHOT") or not README_SCREENSHOT.exists():
        README_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / "article.png", README_SCREENSHOT)


def test_hostile_article_runs_no_script(page: Page) -> None:
    page.goto("/articles/hostile%3C1%3E")
    expect(page.locator("h1.article-title")).to_contain_text('<script>alert("title")</script>')
    expect(page.locator(".article-text")).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator(".article-text img, .article-text script, .article-text a").count() == 0
    assert page.title() != "pwned"
    page.locator(".article-text .hl-actor").first.click()
    expect(page.locator("#record-panel")).to_contain_text("<svg onload=alert(3)>Army</svg>")
    assert page.locator("#record-panel svg").count() == 0
    expect(page.locator(".source-link")).to_have_text("javascript:alert(document.cookie)")
    assert page.locator("a[href^='javascript']").count() == 0


def test_filter_events_by_actor_changes_the_table(page: Page) -> None:
    page.goto("/events")
    rows = page.locator("table.events tbody tr")
    expect(rows).to_have_count(12)
    page.fill("input[name=actor]", "RUS")
    page.click("#event-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"actor=RUS"))
    expect(rows).to_have_count(3)
    for i in range(3):
        expect(rows.nth(i).locator("td.actor-cell")).to_contain_text("Russia")
    csv_link = re.compile(r"^/api/events\?.*actor=RUS.*format=csv")
    expect(page.locator("#download-csv")).to_have_attribute("href", csv_link)
    shoot(page, "events")


def test_dyad_chart_is_drawn(page: Page) -> None:
    page.goto("/dyads/USA/IRQ")
    chart = page.locator("#timeline-chart")
    expect(chart.locator("rect.bar")).to_have_count(6)
    expect(chart.locator("rect.bar.quad4")).to_have_count(1)
    expect(chart.locator("circle.goldstein-point")).to_have_count(5)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    shoot(page, "dyad")


def test_actor_network_is_drawn(page: Page) -> None:
    page.goto("/actors/kb%3Ausa")
    expect(page.locator("h1.actor-name")).to_have_text("United States")
    network = page.locator("#network-chart")
    expect(network.locator("line.edge")).to_have_count(1)
    expect(network.locator("a")).to_have_attribute("href", "/actors/kb%3Airq")
    shoot(page, "actor")
