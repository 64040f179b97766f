"""`eventwire watch`, `eventwire sources` and `eventwire serve --watch` as real processes against a site on
127.0.0.1: a watcher SIGKILLed mid-round resumes with nothing lost and nothing stored or fetched twice,
SIGINT stops after the current article, and the server shows articles as its watcher stores them."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from support.watch import WAIT, Handler, Site, article_html, article_text, running_site, serving_watch, wait_for
from support.web import eventwire_command

pytestmark = pytest.mark.slow
def blocking_page(site: Site, path: str, release: threading.Event, body: bytes) -> str:
    def route(h: Handler) -> None:
        release.wait(WAIT)
        h.send(200, body, "text/html; charset=utf-8")
    site.routes[path] = route
    return site.url(path)


def cpu_ticks(pid: int) -> int:
    """User and system CPU ticks of a process, all its threads (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wait_until_idle(process: subprocess.Popen[bytes]) -> None:
    """Until the process used no CPU for a second: it is blocked (here: waiting for a page that hangs)."""
    previous = -1
    deadline = time.monotonic() + WAIT
    while (ticks := cpu_ticks(process.pid)) != previous:
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("the watcher never went idle")
        previous = ticks
        time.sleep(1.0)


def news_feed(site: Site, numbers: list[int], release: threading.Event | None = None,
              hanging: int | None = None) -> str:
    """A feed of pages; with ``release``, page ``hanging`` answers only once it is set."""
    items = []
    for n in numbers:
        path = f"/news/{n}"
        if release is not None and n == hanging:
            url = blocking_page(site, path, release, article_html(f"Story {n}", article_text(n)))
        else:
            url = site.page(path, f"Story {n}", article_text(n))
        items.append((url, f"Story {n}"))
    return site.feed("/feed.xml", items)


def watch(db: Path, *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    log = (db.parent / "watch.log").open("ab")
    return subprocess.Popen([*eventwire_command(), "watch", *args, "--db", str(db), "--host-delay", "0",
                             "--connections", "1", "--timeout", "10"], stdout=log, stderr=log, **kwargs)  # type: ignore[call-overload]


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_watcher_killed_mid_round_resumes_with_no_duplicate_and_nothing_lost(tmp_path: Path) -> None:
    db = tmp_path / "watch.duckdb"
    numbers = list(range(30, 38))
    release = threading.Event()
    with running_site() as site:
        # Page 34 hangs until released: the watcher stores the four pages before it, then waits mid-round.
        feed = news_feed(site, numbers, release, hanging=34)
        process = watch(db, feed, "--once")
        try:
            wait_for(lambda: site.hits["/news/34"] > 0, "the fifth page to be requested", process)
            wait_until_idle(process)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        assert process.returncode == -signal.SIGKILL
        stored_before = {row[0] for row in query(db, "SELECT url FROM articles")}
        assert stored_before == {site.url(f"/news/{n}") for n in range(30, 34)}
        release.set()
        resumed = watch(db, feed, "--once")
        assert resumed.wait(WAIT) == 0
        urls = [row[0] for row in query(db, "SELECT url FROM articles")]
        assert sorted(urls) == sorted(site.url(f"/news/{n}") for n in numbers)  # nothing lost, each once
        assert query(db, "SELECT count(*) = count(DISTINCT id) FROM articles") == [(True,)]
        assert query(db, "SELECT state, count(*) FROM watch_urls GROUP BY state") == [("stored", len(numbers))]
        # What the killed watcher stored was not fetched again.
        assert all(site.hits[url.removeprefix(site.base)] == 1 for url in stored_before)
        # A further round stores nothing and fetches no page.
        hits = sum(site.hits[f"/news/{n}"] for n in numbers)
        again = watch(db, feed, "--once")
        assert again.wait(WAIT) == 0
        assert sum(site.hits[f"/news/{n}"] for n in numbers) == hits
        assert query(db, "SELECT count(*) FROM articles") == [(len(numbers),)]

        listing = subprocess.run([*eventwire_command(), "sources", "--db", str(db)], capture_output=True,
                                 text=True, check=True).stdout
        assert "last round 3 (1 of 1)" in listing and "not modified" in listing
        table = subprocess.run([*eventwire_command(), "sources", "--db", str(db), "--format", "csv"],
                               capture_output=True, text=True, check=True).stdout.splitlines()
        assert table[0] == "source,kind,status,last fetch,new,stored,articles,pending,failing,source failures,reason"
        assert table[1].startswith(f"{feed},feed,not modified 304,")
        [report] = [json.loads(line) for line in subprocess.run(
            [*eventwire_command(), "sources", "--db", str(db), "--format", "json"], capture_output=True, text=True,
            check=True).stdout.splitlines()]
        assert (report["url"], report["kind"], report["articles"], report["last_status"]) == \
            (feed, "feed", len(numbers), "not modified")
        assert (report["new_urls_last_round"], report["stored_last_round"], report["source_failures"]) == (0, 0, 0)


def test_sigint_finishes_the_current_article_and_exits_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "watch.duckdb"
    numbers = list(range(40, 46))
    release = threading.Event()
    with running_site() as site:
        feed = news_feed(site, numbers, release, hanging=43)
        process = watch(db, feed, "--every", "1h")
        try:
            wait_for(lambda: site.hits["/news/43"] > 0, "the fourth page to be requested", process)
            wait_until_idle(process)
            process.send_signal(signal.SIGINT)
            release.set()
            assert process.wait(WAIT) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        stored = query(db, "SELECT count(*) FROM articles")[0][0]
        # It stopped mid-round: the three pages before the hanging one were stored, and the page it was reading
        # when interrupted was finished (stored) before it exited ...
        assert stored == 4
        assert sorted(r[0] for r in query(db, "SELECT url FROM articles")) == \
            sorted(site.url(f"/news/{n}") for n in range(40, 44))
        # ... and every stored article is recorded as stored (nothing half-done), the round marked interrupted.
        assert query(db, "SELECT count(*) FROM watch_urls WHERE state = 'stored'") == [(stored,)]
        assert query(db, "SELECT round, interrupted FROM watch_rounds") == [(1, True)]
        log = (tmp_path / "watch.log").read_text()
        assert "SIGINT: stopping after the current article" in log and "(interrupted)" in log


def test_serve_watch_shows_articles_as_they_are_stored(tmp_path: Path) -> None:
    with running_site() as site:
        feed = news_feed(site, [50, 51])
        with serving_watch(tmp_path / "served.duckdb", feed, tmp_path / "serve.log") as (server, base), \
                httpx.Client(base_url=base, timeout=60) as http:
            def latest() -> list[dict[str, object]]:
                try:
                    return http.get("/api/sources").json()["latest"]  # type: ignore[no-any-return]
                except httpx.TransportError:
                    return []

            wait_for(lambda: len(latest()) == 2, "two stored articles", server)
            news_feed(site, [50, 51, 52])  # a new item appears in the feed
            wait_for(lambda: len(latest()) == 3, "the new article", server)
            payload = http.get("/api/sources").json()
            assert payload["total"] == 1
            [source] = payload["items"]
            assert (source["url"], source["kind"], source["articles"]) == (feed, "feed", 3)
            assert payload["latest"][0]["title"] == "Story 52"
            assert http.get("/api/articles").json()["total"] == 3
            page = http.get("/sources")
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]
            assert feed in page.text and "Story 52" in page.text and "/static/watch.js" in page.text
            assert http.get("/static/watch.js").status_code == 200
        # uvicorn shuts down gracefully, then re-raises SIGTERM; the watcher thread stopped before the database closed.
        assert server.returncode in (0, -signal.SIGTERM)
        assert site.hits["/news/52"] == 1
        output = (tmp_path / "serve.log").read_text()
        assert "eventwire watch: round 1:" in output
        assert output.index("Waiting for application shutdown") < output.index("Application shutdown complete")
