"""The shared test helpers (tests/support) build what they claim: records that follow the contract, a site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from eventwire.model import Article
from support.trust import build_trust_db
from support.watch import article_text, running_site
from support.web import build_db


@pytest.mark.parametrize("build", [build_db, build_trust_db], ids=["web", "trust"])
def test_hand_built_articles_follow_the_contract(tmp_path: Path, build: Callable[[Path], list[Article]]) -> None:
    """The hand-built records are consistent: every span slices its article's text."""
    for article in build(tmp_path / "fixture.duckdb"):
        assert Article.from_dict(article.to_dict()) == article
        for actor in article.actors:
            assert all(article.text[m.start:m.end] == m.text for m in actor.mentions)
        for quote in article.quotes:
            assert article.text[quote.start:quote.end] == quote.text
        for event in article.events:
            assert article.text[event.trigger.start:event.trigger.end] == event.trigger.text


def test_site_serves_pages_and_counts_requests() -> None:
    with running_site() as site:
        url = site.page("/a", "A title", article_text(1))
        response = httpx.get(url)
        assert response.status_code == 200 and b"A title" in response.content
        assert httpx.get(site.url("/missing")).status_code == 404
        assert site.hits["/a"] == 1 and site.hits["/missing"] == 1
