"""The watcher in process against sites on 127.0.0.1: rounds, state, manners and failures as data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from eventwire.errors import WatchError
from eventwire.pipeline import Pipeline
from eventwire.store import Store
from eventwire.store.sources import sources_report
from eventwire.watch import Politeness, WatchConfig, Watcher, parse_interval, source_urls, user_agent
from eventwire.watch.urls import canonical_link, normalize_url
from support.watch import (
    Site,
    article_html,
    article_text,
    endless,
    flaky,
    gzipped,
    running_site,
    sitemap,
    sitemap_index,
    slow,
)

pytestmark = pytest.mark.slow
CONTACT = "newsdesk@example.org"


@contextmanager
def watcher(db: Path, sources: list[str], pipeline: Pipeline, *, timeout: float = 10.0, retries: int = 1,
            **options: Any) -> Iterator[Watcher]:
    politeness = Politeness(user_agent=user_agent(CONTACT), host_delay=0.0, retry_base=0.01, timeout=timeout,
                            retries=retries)
    with Store(db) as store:
        w = Watcher(store, WatchConfig(sources, every=1.0, politeness=politeness, **options), lambda: pipeline)
        try:
            yield w
        finally:
            w.close()


def rows(w: Watcher, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return w.store.con.execute(sql, params or []).fetchall()


def stored_urls(w: Watcher) -> list[str]:
    return sorted(r[0] for r in rows(w, "SELECT url FROM articles"))


def url_state(w: Watcher, url: str) -> tuple[Any, ...]:
    [row] = rows(w, "SELECT state, attempts, last_reason, retry_round FROM watch_urls WHERE url = ?", [url])
    return row


def failure_reason(w: Watcher, url: str) -> str | None:
    found = rows(w, "SELECT reason FROM failures WHERE name = ?", [url])
    return found[0][0] if found else None


def page_items(site: Site, numbers: list[int]) -> list[tuple[str, str]]:
    return [(site.page(f"/news/{n}", f"Story {n}", article_text(n)), f"Story {n}") for n in numbers]


# -- rounds ----------------------------------------------------------------------------------------

def test_items_appearing_over_rounds_are_each_fetched_and_stored_once(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        feed = site.feed("/feed.xml", page_items(site, [1, 2]))
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            first = w.run_round()
            assert (first.new_urls, first.fetched, first.stored, first.failed) == (2, 2, 2, 0)
            site.feed("/feed.xml", page_items(site, [1, 2, 3]))
            second = w.run_round()
            assert (second.new_urls, second.fetched, second.stored) == (1, 1, 1)
            third = w.run_round()
            assert (third.new_urls, third.fetched, third.stored) == (0, 0, 0)
            assert stored_urls(w) == [site.url(f"/news/{n}") for n in (1, 2, 3)]
            assert rows(w, "SELECT count(*), count(DISTINCT id) FROM articles") == [(3, 3)]
            assert rows(w, "SELECT title FROM articles ORDER BY title") == [("Story 1",), ("Story 2",), ("Story 3",)]
            # Events come from the same pipeline as `eventwire ingest`.
            assert rows(w, "SELECT count(*) > 0 FROM events") == [(True,)]
            [report] = sources_report(w.store.con)
            assert (report["kind"], report["articles"], report["stored_last_round"]) == ("feed", 3, 0)
        assert [site.hits[f"/news/{n}"] for n in (1, 2, 3)] == [1, 1, 1]


def test_a_second_watcher_on_the_same_database_fetches_nothing_again(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        feed = site.feed("/feed.xml", page_items(site, [4, 5]), etag=False)
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            assert w.run_round().stored == 2
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            again = w.run_round()
            assert (again.new_urls, again.fetched, again.stored) == (0, 0, 0)
            assert len(stored_urls(w)) == 2
            # The near-duplicate index is rebuilt from the signatures kept in the store: a copy of story 4
            # under a new headline is still recognised after the restart.
            copy = site.page("/copy/4", "Story 4, republished", article_text(4))
            site.feed("/feed.xml", [*page_items(site, [4, 5]), (copy, "Story 4, republished")], etag=False)
            later = w.run_round()
            assert (later.fetched, later.stored, later.duplicates) == (1, 0, 1)
            assert url_state(w, copy)[2].startswith("near-duplicate of stored article")
        assert site.hits["/news/4"] == site.hits["/news/5"] == 1


def test_etag_makes_the_next_feed_request_conditional(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        feed = site.feed("/feed.xml", page_items(site, [6]))
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            w.run_round()
            w.run_round()
            [report] = sources_report(w.store.con)
            assert (report["last_status"], report["last_http_status"], report["fetches"]) == ("not modified", 304, 2)
        sent = [tag for path, tag in site.conditional if path == "/feed.xml"]
        assert sent[0] is None and sent[1] is not None and sent[1].startswith('"')


# -- URLs: normalisation, redirects, canonical links, duplicates --------------------------------------

def test_url_normalisation_drops_tracking_and_spelling_differences() -> None:
    assert normalize_url("HTTP://News.Example.COM:80/a/./b/../c?utm_source=x&b=2&a=1&fbclid=z#top") == \
        "http://news.example.com/a/c?a=1&b=2"
    assert normalize_url("https://example.org") == "https://example.org/"
    assert normalize_url("/x?ref_src=tw", base="https://example.org/a/b") == "https://example.org/x"
    assert normalize_url("https://example.org:8443/%7Euser") == "https://example.org:8443/~user"
    with pytest.raises(WatchError):
        normalize_url("javascript:alert(1)")
    html = b'<head><link href="/story?utm_medium=rss&amp;id=7" rel="canonical"></head>'
    assert canonical_link(html, "https://example.org/amp/7") == "https://example.org/story?id=7"


def test_redirects_canonical_links_and_tracking_variants_store_one_article(tmp_path: Path,
                                                                           pipeline: Pipeline) -> None:
    with running_site() as site:
        target = site.page("/world/7", "Story 7", article_text(7))
        site.fixed("/r/7", 301, b"", None, {"Location": "/world/7"})
        amp = site.page("/amp/7", "Story 7", article_text(7), canonical=target)
        feed = site.feed("/feed.xml", [(site.url("/r/7"), "Story 7")])
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            assert w.run_round().stored == 1
            assert rows(w, "SELECT url FROM articles") == [(target,)]
            # Later the feed lists the page itself (with tracking parameters) and its AMP copy.
            site.feed("/feed.xml", [(target + "?utm_source=rss", "Story 7"), (amp, "Story 7")])
            later = w.run_round()
            assert (later.stored, later.duplicates) == (0, 1)
            assert url_state(w, amp)[0] == "duplicate"
            assert rows(w, "SELECT count(*) FROM articles") == [(1,)]
        assert site.hits["/world/7"] == 1  # the redirect target was never fetched a second time


def test_republished_text_is_not_stored_twice_but_a_rewrite_is(tmp_path: Path, pipeline: Pipeline) -> None:
    text = article_text(8)
    rewrite = "\n\n".join(text.split("\n\n")[:2]) + "\n\n" + article_text(80, paragraphs=2)
    with running_site() as site:
        items = [(site.page("/a/8", "Story 8", text), "Story 8"),
                 # The same text under a new headline, at another address (a syndicated copy).
                 (site.page("/b/8", "Breaking: story 8 again", text), "Story 8 again"),
                 (site.page("/c/8", "Story 8", text), "Story 8"),
                 (site.page("/d/8", "Story 8, rewritten", rewrite), "Story 8, rewritten")]
        feed = site.feed("/feed.xml", items)
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            result = w.run_round()
            assert (result.stored, result.duplicates) == (2, 2)
            assert stored_urls(w) == [site.url("/a/8"), site.url("/d/8")]
            same_text = url_state(w, site.url("/c/8"))
            near = url_state(w, site.url("/b/8"))
            assert same_text[0] == near[0] == "duplicate"
            assert same_text[2].startswith("same text as stored article")
            assert near[2].startswith("near-duplicate of stored article")
            # The rewrite is kept and grouped with the original by the near-duplicate story grouping.
            from eventwire.store.aggregate import refresh_derived

            refresh_derived(w.store.con)
            assert rows(w, "SELECT count(DISTINCT story_id) FROM stories") == [(1,)]


# -- failures are data -----------------------------------------------------------------------------

def test_failing_pages_become_rows_and_never_stop_the_round(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        good = site.page("/ok", "Good story", article_text(9))
        items = [
            (site.fixed("/photo", 200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "image/png"), "photo"),
            (endless(site, "/huge", 21 * 1024 * 1024), "huge"),
            (site.fixed("/huge-declared", 200, b"<p>x</p>" * (21 * 1024 * 1024 // 8 + 1), "text/html"), "big"),
            (site.fixed("/gone", 404, b"no such page"), "gone"),
            (site.fixed("/nav-only", 200, b"<html><body><script>load()</script><img src='a.png'></body></html>",
                        "text/html"), "gallery"),
            (slow(site, "/slow", 3.0, article_html("Slow", article_text(10))), "slow"),
            ("http://127.0.0.1:9/closed", "closed port"),
            (good, "Good story"),
        ]
        feed = site.feed("/feed.xml", items)
        with watcher(tmp_path / "w.duckdb", [feed], pipeline, timeout=0.5, retries=0) as w:
            result = w.run_round()
            assert stored_urls(w) == [good]
            assert (result.fetched, result.stored, result.failed) == (8, 1, 7)
            reasons = {path: failure_reason(w, site.url(path)) for path in
                       ("/photo", "/huge", "/huge-declared", "/gone", "/nav-only", "/slow")}
            assert reasons["/photo"] == "not HTML: content type 'image/png'"
            assert reasons["/huge"].startswith("over the size cap: more than 20,971,520 bytes")
            assert reasons["/huge-declared"].startswith("over the size cap: 22,020,104 bytes declared")
            assert reasons["/gone"] == "HTTP 404 Not Found"
            assert reasons["/nav-only"].startswith("empty after extraction")
            assert reasons["/slow"].startswith("timed out")
            assert failure_reason(w, "http://127.0.0.1:9/closed").startswith("cannot connect")
            # Each failure has its time and a retry round; the next round retries them (backoff 1 round).
            assert rows(w, "SELECT count(*) FROM failures WHERE failed_at IS NOT NULL") == [(7,)]
            assert {url_state(w, site.url("/gone"))[k] for k in (0, 1, 3)} == {"failed", 1, 2}
            retry = w.run_round()
            assert (retry.fetched, retry.failed) == (7, 7)
            # After a second failure the URL waits two rounds.
            assert url_state(w, site.url("/gone"))[1:4:2] == (2, 4)
            assert w.run_round().fetched == 0


def test_500_then_200_is_retried_within_the_fetch_and_across_rounds(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        quick = flaky(site, "/busy-briefly", 2, 503, article_html("Busy briefly", article_text(11)))
        stubborn = flaky(site, "/busy-longer", 3, 500, article_html("Busy longer", article_text(12)))
        feed = site.feed("/feed.xml", [(quick, "a"), (stubborn, "b")])
        with watcher(tmp_path / "w.duckdb", [feed], pipeline, retries=2) as w:
            first = w.run_round()
            # Two 503s then a 200 within one fetch (2 retries); three 500s exhaust them.
            assert (first.stored, first.failed) == (1, 1)
            assert failure_reason(w, stubborn) == "HTTP 500 Internal Server Error"
            second = w.run_round()
            assert (second.fetched, second.stored) == (1, 1)
            assert failure_reason(w, stubborn) is None  # a page that now reads cleanly is no longer a failure
            assert url_state(w, stubborn)[:2] == ("stored", 2)
        assert (site.hits["/busy-briefly"], site.hits["/busy-longer"]) == (3, 4)


def test_a_failing_source_is_a_row_and_waits_before_its_retry(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        broken = site.fixed("/broken.xml", 500, b"oops")
        not_a_feed = site.fixed("/plain.txt", 200, b"just some words", "text/plain")
        feed = site.feed("/feed.xml", page_items(site, [13]))
        with watcher(tmp_path / "w.duckdb", [broken, not_a_feed, feed], pipeline, retries=0) as w:
            result = w.run_round()
            assert (result.sources, result.sources_failed, result.stored) == (3, 2, 1)
            report = {r["url"]: r for r in sources_report(w.store.con)}
            assert (report[broken]["last_status"], report[broken]["last_http_status"]) == ("failed", 500)
            assert report[broken]["retry_round"] == 2
            assert report[not_a_feed]["last_reason"] == "not an RSS/Atom feed or a sitemap"
            assert failure_reason(w, broken) == "HTTP 500 Internal Server Error"
            w.run_round()
            w.run_round()
            assert site.hits["/broken.xml"] == 2  # rounds 1 and 2, not 3 (waiting two rounds after two failures)


# -- manners ---------------------------------------------------------------------------------------

def test_robots_txt_forbids_a_path_and_the_user_agent_names_eventwire(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        site.fixed("/robots.txt", 200, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n\n"
                                       b"User-agent: otherbot\nDisallow: /\n")
        hidden = site.page("/private/14", "Private", article_text(14))
        public = site.page("/public/15", "Public", article_text(15))
        feed = site.feed("/feed.xml", [(hidden, "Private"), (public, "Public")])
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            result = w.run_round()
            assert (result.stored, result.failed) == (1, 1)
            assert stored_urls(w) == [public]
            assert failure_reason(w, hidden) == f"forbidden by robots.txt ({hidden})"
            assert w.fetcher.gate.delays[site.base.removeprefix("http://")] == 0.2  # Crawl-delay, over --host-delay 0
            w.run_round()
        assert site.hits["/private/14"] == 0
        assert site.hits["/robots.txt"] == 1  # cached per host
        assert site.agents and all(a.startswith("eventwire/") and CONTACT in a for a in site.agents)


def test_max_per_round_spreads_a_backlog_over_rounds(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        feed = site.feed("/feed.xml", page_items(site, [16, 17, 18]))
        with watcher(tmp_path / "w.duckdb", [feed], pipeline, max_per_round=2) as w:
            assert [w.run_round().stored for _ in range(3)] == [2, 1, 0]


# -- sitemaps and discovery ------------------------------------------------------------------------

def test_sitemap_index_gzip_sitemap_and_feed_discovery(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        a = site.page("/s/19", "Story 19", article_text(19))
        b = site.page("/s/20", "Story 20", article_text(20))
        site.fixed("/sitemap-1.xml.gz", 200, gzipped(sitemap([a])), "application/gzip")
        site.fixed("/sitemap-2.xml", 200, sitemap([b, a + "?utm_campaign=x"]), "application/xml")
        index = site.fixed("/sitemap.xml", 200, sitemap_index([site.url("/sitemap-1.xml.gz"),
                                                              site.url("/sitemap-2.xml")]), "application/xml")
        feed = site.feed("/feed.xml", page_items(site, [21]))
        home = site.fixed("/", 200, b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml" '
                                    b'href="/feed.xml"></head><body>Home</body></html>', "text/html")
        with watcher(tmp_path / "w.duckdb", [index, home], pipeline) as w:
            result = w.run_round()
            assert (result.new_urls, result.stored) == (3, 3)
            report = {r["url"]: r for r in sources_report(w.store.con)}
            assert report[index]["kind"] == "sitemap index"
            assert report[site.url("/sitemap-1.xml.gz")]["via"] == index
            assert (report[home]["kind"], report[feed]["via"]) == ("page", home)


def test_sources_file_and_intervals(tmp_path: Path) -> None:
    listing = tmp_path / "sources.txt"
    listing.write_text("# our feeds\nhttps://Example.org/feed.xml?utm_source=x\n\n"
                       "https://example.net/sitemap.xml  # news sitemap\n")
    assert source_urls([str(listing), "https://example.org/feed.xml"]) == [
        "https://example.org/feed.xml", "https://example.net/sitemap.xml"]
    with pytest.raises(WatchError, match="neither an http"):
        source_urls([str(tmp_path / "missing.txt")])
    (tmp_path / "bad.txt").write_text("ftp://example.org/feed\n")
    with pytest.raises(WatchError, match=r"bad\.txt:1"):
        source_urls([str(tmp_path / "bad.txt")])
    assert [parse_interval(t) for t in ("90", "30s", "15m", "2h")] == [90, 30, 900, 7200]
    with pytest.raises(WatchError):
        parse_interval("soon")


def test_an_article_stored_without_its_url_record_is_not_fetched_again(tmp_path: Path, pipeline: Pipeline) -> None:
    """A watcher killed between committing an article and recording its URL: the next round finds the article
    by its URL in the store and marks it stored, without a second fetch and without a second copy."""
    with running_site() as site:
        feed = site.feed("/feed.xml", page_items(site, [22, 23]))
        with watcher(tmp_path / "w.duckdb", [feed], pipeline) as w:
            assert w.run_round().stored == 2
            lost = site.url("/news/22")
            w.store.con.execute("UPDATE watch_urls SET state = 'new', article_id = NULL WHERE url = ?", [lost])
            again = w.run_round()
            assert (again.fetched, again.stored, again.duplicates) == (0, 0, 0)
            assert url_state(w, lost)[0] == "stored"
            assert rows(w, "SELECT count(*) FROM articles") == [(2,)]
        assert site.hits["/news/22"] == 1


def test_pages_fetched_together_are_stored_in_one_batch_with_duplicates_caught(tmp_path: Path,
                                                                             pipeline: Pipeline) -> None:
    text = article_text(24)
    with running_site() as site:
        items = [*page_items(site, [25, 26, 27]), (site.page("/copy/25", "Story 25 again", article_text(25)), "c")]
        items.append((site.page("/same/24a", "Story 24", text), "a"))
        items.append((site.page("/same/24b", "Story 24", text), "b"))
        feed = site.feed("/feed.xml", items)
        with watcher(tmp_path / "w.duckdb", [feed], pipeline, batch_size=8) as w:
            result = w.run_round()
            assert (result.fetched, result.stored, result.duplicates) == (6, 4, 2)
            assert rows(w, "SELECT count(*), count(DISTINCT id) FROM articles") == [(4, 4)]
            assert url_state(w, site.url("/copy/25"))[0] == url_state(w, site.url("/same/24b"))[0] == "duplicate"


def test_only_the_sources_given_and_those_found_through_them_are_followed(tmp_path: Path,
                                                                          pipeline: Pipeline) -> None:
    with running_site() as site:
        old = site.feed("/old.xml", page_items(site, [28]))
        new = site.feed("/new.xml", page_items(site, [29]))
        with watcher(tmp_path / "w.duckdb", [old], pipeline, max_per_round=1) as w:
            w.run_round()
        site.feed("/old.xml", page_items(site, [28, 128]))
        with watcher(tmp_path / "w.duckdb", [new], pipeline) as w:
            result = w.run_round()
            assert (result.sources, result.stored) == (1, 1)
            assert stored_urls(w) == [site.url("/news/28"), site.url("/news/29")]
            # The old source stays listed with its last status; its pending URL waits for a watcher of it.
            assert [r["url"] for r in sources_report(w.store.con)] == [old, new]
        assert (site.hits["/old.xml"], site.hits["/news/128"]) == (1, 0)


def test_a_feed_cannot_point_the_watcher_into_the_private_network(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        port = site.base.rsplit(":", 1)[1]
        inside = f"http://localhost:{port}/news/31"  # the same server, under a name the operator did not give
        site.page("/news/31", "Internal", article_text(31))
        redirect = site.fixed("/out", 302, b"", None, {"Location": "http://10.0.0.1/admin"})
        feed = site.feed("/feed.xml", [(inside, "Internal"), (redirect, "Redirect"),
                                       ("http://169.254.169.254/latest/meta-data/", "Metadata"),
                                       *page_items(site, [32])])
        with watcher(tmp_path / "w.duckdb", [feed], pipeline, retries=0) as w:
            result = w.run_round()
            assert (result.stored, result.failed) == (1, 3)
            assert failure_reason(w, inside) == "refused: localhost resolves to a non-public address (127.0.0.1)"
            assert failure_reason(w, redirect) == "refused: 10.0.0.1 resolves to a non-public address (10.0.0.1)"
            assert failure_reason(w, "http://169.254.169.254/latest/meta-data/").startswith("refused: 169.254")
        assert site.hits["/news/31"] == 0 and site.hits["/out"] == 1


def test_hostile_redirects_and_sources_cost_one_item_not_the_round(tmp_path: Path, pipeline: Pipeline) -> None:
    with running_site() as site:
        bad_redirect = site.fixed("/bad-redirect", 301, b"", None, {"Location": "http://[::1/broken"})
        to_ftp = site.fixed("/to-ftp", 302, b"", None, {"Location": "ftp://127.0.0.1/file"})
        loop = site.fixed("/loop", 302, b"", None, {"Location": "/loop"})
        garbage = site.fixed("/garbage.xml", 200, b"<?xml version='1.0'?><rss><channel>\x00\xff\xfe<item>",
                             "application/xml")
        feed = site.feed("/feed.xml", [(bad_redirect, "a"), (to_ftp, "b"), (loop, "c"), *page_items(site, [33])])
        with watcher(tmp_path / "w.duckdb", [garbage, feed], pipeline, retries=0) as w:
            result = w.run_round()
            assert (result.sources_failed, result.stored, result.failed) == (1, 1, 3)
            assert failure_reason(w, bad_redirect) == \
                "HTTP protocol error: Invalid URL in location header: Invalid port: ':1'."
            assert failure_reason(w, to_ftp) == "redirect to a non-http(s) URL: ftp://127.0.0.1/file"
            assert failure_reason(w, loop) == "more than 5 redirects"
            assert failure_reason(w, garbage).startswith("malformed feed")


def test_compressed_pages_and_retry_after(tmp_path: Path, pipeline: Pipeline) -> None:
    import brotli

    with running_site() as site:
        html = article_html("Story 34", article_text(34))
        site.fixed("/br", 200, brotli.compress(html), "text/html", {"Content-Encoding": "br"})
        site.fixed("/gz", 200, gzipped(article_html("Story 35", article_text(35))), "text/html",
                   {"Content-Encoding": "gzip"})
        calls = {"n": 0}

        def busy_once(h: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 1:
                h.send(429, b"slow down", "text/plain", {"Retry-After": "1"})
            else:
                h.send(200, article_html("Story 36", article_text(36)), "text/html")
        site.routes["/busy"] = busy_once
        feed = site.feed("/feed.xml", [(site.url("/br"), "a"), (site.url("/gz"), "b"), (site.url("/busy"), "c")])
        with watcher(tmp_path / "w.duckdb", [feed], pipeline, retries=1) as w:
            result = w.run_round()
            assert (result.stored, result.failed) == (3, 0)
            assert rows(w, "SELECT title FROM articles ORDER BY title") == [("Story 34",), ("Story 35",), ("Story 36",)]
        assert calls["n"] == 2
