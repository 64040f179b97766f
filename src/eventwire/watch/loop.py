"""The watch loop: rounds of fetch sources → find new article URLs → fetch, extract, annotate, store.

A round (:meth:`Watcher.run_round`) reads every due source with a conditional request, records the article
URLs it lists that were never seen, then takes up to ``max_per_round`` due URLs (new ones, and failed ones
whose backoff has passed), oldest first. Pages are fetched by a few threads (see :mod:`eventwire.watch.fetch`)
while the calling thread extracts each page (trafilatura, through the HTML reader of ``ingest``) and annotates
and stores the pages fetched so far with :func:`eventwire.jobs.ingest_items`, at most ``batch_size`` together
(one parse and one transaction), in list order.

A URL is stored once: URLs are normalised (:mod:`eventwire.watch.urls`), the redirect target and canonical
link of a fetched page are recorded as the same page, an article whose text is already stored (same id, a
hash of the text) or whose text is a near-copy of one the watcher stored (MinHash similarity at least
``duplicate_threshold``, :class:`eventwire.store.dedup.StoryClusterer`) is recorded as a duplicate and not
stored again. Rewrites below that threshold are stored and linked into stories by the usual near-duplicate
grouping after the round.

Stopping: :attr:`Watcher.stop` (set by SIGINT/SIGTERM in the CLI, by server shutdown in ``serve --watch``)
lets the pages already fetched (at most ``batch_size``) finish and be recorded, abandons fetches not yet
processed (they stay due) and ends the round. A watcher killed outright loses at most the record of the batch
being stored: the next round finds those articles in the store by their URLs and marks them stored without
fetching them again.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import duckdb

from eventwire.errors import DocumentError, WatchError
from eventwire.ingest.html import article_from_html
from eventwire.ingest.ids import normalize_for_id
from eventwire.ingest.limits import Limits
from eventwire.jobs import ingest_items
from eventwire.model import Article
from eventwire.pipeline import Pipeline
from eventwire.store import Store
from eventwire.store import sources as state
from eventwire.store.dedup import StoryClusterer, signature, signature_from_hashvalues
from eventwire.watch.fetch import Fetched, Fetcher, Politeness, Stopped
from eventwire.watch.sources import read_listing
from eventwire.watch.urls import canonical_link, normalize_or_none

# A re-published article scoring at least this (estimated Jaccard similarity of word 3-shingles) against one
# already stored is the same text (a new headline, timestamp or footer around it) and is not stored again.
DEFAULT_DUPLICATE_THRESHOLD = 0.85
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNITS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds in ``90``, ``30s``, ``15m``, ``2h`` or ``1d``; WatchError otherwise."""
    match = _INTERVAL.match(text)
    if not match:
        raise WatchError(f"{text!r} is not an interval: write 30s, 15m, 2h or a number of seconds")
    seconds = float(match[1]) * _UNITS[match[2].lower() if match[2] else None]
    if seconds <= 0:
        raise WatchError(f"interval {text!r} must be positive")
    return seconds


@dataclass
class WatchConfig:
    sources: list[str]
    every: float = 900.0
    max_per_round: int = 100
    politeness: Politeness = field(default_factory=Politeness)
    # A page failing this many times in all is given up (its failure row stays).
    max_attempts: int = 6
    # Backoff after failures, in rounds: 1, 2, 4, ... up to this.
    max_backoff_rounds: int = 32
    duplicate_threshold: float = DEFAULT_DUPLICATE_THRESHOLD
    # Child sitemaps of an index and feeds found on a page taken per source.
    max_children: int = 50
    # Pages already fetched are annotated and stored together, up to this many (one parse, one transaction).
    batch_size: int = 8


@dataclass
class RoundReport:
    round: int
    sources: int = 0
    sources_failed: int = 0
    new_urls: int = 0
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    stored_ids: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("sources", "sources_failed", "new_urls", "fetched", "stored",
                                              "duplicates", "failed")}

    def summary(self) -> str:
        return (f"round {self.round}: {self.sources} sources ({self.sources_failed} failed), {self.new_urls} new "
                f"URLs, {self.fetched} pages fetched, {self.stored} stored, {self.duplicates} duplicates, "
                f"{self.failed} failed in {self.seconds:.1f}s" + (" (interrupted)" if self.interrupted else ""))


class Watcher:
    """Runs rounds over a store. ``lock`` serialises writes with other writers of the same connection (the web
    server's ``write_lock``); ``state_con`` is the connection (or cursor) this thread reads and writes its
    state through; ``pipeline`` is called once, when the first article needs annotating."""

    def __init__(self, store: Store, config: WatchConfig, pipeline: Callable[[], Pipeline],
                 *, lock: AbstractContextManager[Any] | None = None, state_con: duckdb.DuckDBPyConnection | None = None,
                 stop: threading.Event | None = None, on_stored: Callable[[RoundReport], None] | None = None,
                 limits: Limits | None = None) -> None:
        store.check_writable()
        self.store = store
        self.config = config
        self._pipeline_factory = pipeline
        self.lock: AbstractContextManager[Any] = lock if lock is not None else nullcontext()
        self.con = state_con if state_con is not None else store.con
        self.stop = stop or threading.Event()
        self.on_stored = on_stored
        self.limits = limits or Limits()
        trusted = frozenset(filter(None, (urlsplit(url).hostname for url in config.sources)))
        self.fetcher = Fetcher(config.politeness, self.stop, trusted_hosts=trusted)
        self.clusterer: StoryClusterer | None = None

    def close(self) -> None:
        self.fetcher.close()

    # -- the loop -------------------------------------------------------------------------------
    def run(self, once: bool = False, report: Callable[[RoundReport], None] | None = None) -> list[RoundReport]:
        """Rounds until stopped (or one with ``once``), a round starting every ``every`` seconds."""
        reports: list[RoundReport] = []
        while not self.stop.is_set():
            started = time.monotonic()
            result = self.run_round()
            reports.append(result)
            if report:
                report(result)
            if once or self.stop.is_set():
                break
            self.stop.wait(max(0.0, self.config.every - (time.monotonic() - started)))
        return reports

    def run_round(self) -> RoundReport:
        started = time.monotonic()
        with self.lock:
            number = state.start_round(self.con)
            state.add_sources(self.con, self.config.sources)
            state.reconcile(self.con, number)
        result = RoundReport(number)
        with ThreadPoolExecutor(max_workers=self.config.politeness.connections,
                                thread_name_prefix="eventwire-fetch") as pool:
            try:
                self._read_sources(pool, result)
                if not self.stop.is_set():
                    self._read_pages(pool, result)
            finally:
                result.interrupted = self.stop.is_set()
                pool.shutdown(wait=True, cancel_futures=True)
        result.seconds = time.monotonic() - started
        with self.lock:
            state.finish_round(self.con, number, result.counts(), result.interrupted)
        if result.stored and self.on_stored:
            self.on_stored(result)
        return result

    # -- sources --------------------------------------------------------------------------------
    def _read_sources(self, pool: ThreadPoolExecutor, result: RoundReport) -> None:
        due = state.due_sources(self.con, result.round, state.followed(self.con, self.config.sources))
        done: set[str] = set()
        # Sources found this round (child sitemaps, feeds a page links) are read in the same round.
        for _ in range(3):
            batch = [s for s in due if s["url"] not in done]
            if not batch or self.stop.is_set():
                return
            futures = [(s, pool.submit(self.fetcher.fetch, s["url"], etag=s["etag"],
                                       last_modified=s["last_modified"], accept=None)) for s in batch]
            found: list[str] = []
            for source, future in futures:
                done.add(source["url"])
                try:
                    fetched = future.result()
                except Stopped:
                    return
                found.extend(self._record_source(source["url"], fetched, result))
            due = state.due_sources(self.con, result.round, found)

    def _record_source(self, url: str, fetched: Fetched, result: RoundReport) -> list[str]:
        result.sources += 1
        if fetched.not_modified:
            with self.lock:
                state.record_source_success(self.con, url, result.round, kind=None, title=None,
                                            http_status=fetched.status or 304, not_modified=True, etag=None,
                                            last_modified=None, new_urls=0)
            return []
        reason = fetched.reason
        listing = None
        if reason is None and fetched.body is not None:
            try:
                listing = read_listing(fetched.body, url, self.config.politeness.max_bytes)
            except DocumentError as exc:
                reason = exc.reason
            except Exception as exc:  # the XML and feed parsers meet hostile input; one source must not stop the round
                reason = f"cannot read the source: {type(exc).__name__}: {exc}"
        if listing is None:
            result.sources_failed += 1
            result.failures.append((url, reason or "no body"))
            with self.lock:
                state.record_source_failure(self.con, url, result.round, http_status=fetched.status,
                                            reason=reason or "no body",
                                            max_backoff_rounds=self.config.max_backoff_rounds)
            return []
        children = listing.sources[:self.config.max_children]
        with self.lock:
            new = state.add_urls(self.con, [{"url": e.url, "title": e.title, "published": e.published}
                                            for e in listing.entries], url, result.round)
            fresh = state.add_sources(self.con, children, via=url)
            state.record_source_success(self.con, url, result.round, kind=listing.kind, title=listing.title,
                                        http_status=fetched.status or 200, not_modified=False, etag=fetched.etag,
                                        last_modified=fetched.last_modified, new_urls=new)
        result.new_urls += new
        return fresh

    # -- pages ----------------------------------------------------------------------------------
    def _read_pages(self, pool: ThreadPoolExecutor, result: RoundReport) -> None:
        """Fetch ahead (a bounded window) and process pages in list order; pages already fetched are annotated
        together, up to ``batch_size`` (one parse and one transaction for the lot, instead of one per page)."""
        rows = iter(state.due_urls(self.con, result.round, self.config.max_per_round,
                                   state.followed(self.con, self.config.sources)))
        window = max(2 * self.config.politeness.connections, self.config.batch_size)
        pending: deque[tuple[dict[str, Any], Future[Fetched]]] = deque()
        batch: list[_Prepared] = []
        while True:
            while len(pending) < window and not self.stop.is_set() and (row := next(rows, None)) is not None:
                pending.append((row, pool.submit(self.fetcher.fetch, row["url"])))
            if not pending or self.stop.is_set():
                break
            row, future = pending[0]
            if batch and (not future.done() or len(batch) >= self.config.batch_size):
                self._store(batch, result)  # annotate what is here rather than wait for the network
                batch = []
                continue
            pending.popleft()
            try:
                fetched = future.result()
            except Stopped:
                break
            result.fetched += 1
            prepared = self._prepare(row, fetched, result, batch)
            if prepared is not None:
                batch.append(prepared)
        if batch:
            self._store(batch, result)  # stopping finishes the articles already read

    def _fail(self, url: str, reason: str, status: int | None, result: RoundReport) -> None:
        result.failed += 1
        result.failures.append((url, reason))
        with self.lock:
            state.record_url_failure(self.con, url, result.round, reason=reason, http_status=status,
                                     max_attempts=self.config.max_attempts,
                                     max_backoff_rounds=self.config.max_backoff_rounds)

    def _duplicate(self, url: str, of: str, article_id: str | None, reason: str, fetched: Fetched,
                   final: str | None, result: RoundReport) -> None:
        result.duplicates += 1
        with self.lock:
            state.record_url_duplicate(self.con, url, result.round, article_id=article_id, duplicate_of=of,
                                       reason=reason, http_status=fetched.status, final_url=final)

    def _prepare(self, row: dict[str, Any], fetched: Fetched, result: RoundReport,
                 batch: list[_Prepared]) -> _Prepared | None:
        """The page as an Article to store, or None after recording it as a failure or a duplicate."""
        url = row["url"]
        if not fetched.ok or fetched.body is None:
            self._fail(url, fetched.reason or "no body", fetched.status, result)
            return None
        final = normalize_or_none(fetched.final_url)
        canonical = canonical_link(fetched.body, final or url)
        aliases = [u for u in dict.fromkeys((final, canonical)) if u and u != url]
        known = state.url_states(self.con, aliases)
        queued = {alias: p for p in batch for alias in (p.url, *p.aliases)}
        for alias in aliases:
            seen = known.get(alias)
            if seen and seen["state"] in state.DONE_STATES:
                self._duplicate(url, alias, seen["article_id"], f"same page as {alias}", fetched, final, result)
                return None
            if alias in queued:
                self._duplicate(url, queued[alias].url, queued[alias].article.id, f"same page as {alias}", fetched,
                                final, result)
                return None
        try:
            article = article_from_html(fetched.body, url, self.limits, url=canonical or final or url,
                                        charset=fetched.charset, fallback_date=row.get("feed_published"))
        except DocumentError as exc:
            self._fail(url, f"empty after extraction: {exc.reason}", fetched.status, result)
            return None
        if not article.title and row.get("feed_title"):
            article.title = row["feed_title"]
        if _known(self.con, article.id) or any(p.article.id == article.id for p in batch):
            self._duplicate(url, article.id, article.id, f"same text as stored article {article.id}", fetched,
                            final, result)
            return None
        minhash = signature(article.text)
        clusterer = self._clusterer()
        nearest = clusterer.nearest(minhash)
        if nearest is not None:
            similarity, other = nearest
            self._duplicate(url, other, other, f"near-duplicate of stored article {other} "
                            f"(similarity {similarity:.2f})", fetched, final, result)
            return None
        # Indexed now, so a near-copy later in the same batch is caught; taken out again if it is not stored.
        clusterer.add_signature(article.id, minhash)
        return _Prepared(url, article, minhash, fetched, final, aliases)

    def _store(self, batch: list[_Prepared], result: RoundReport) -> None:
        with self.lock:
            summary = ingest_items([p.article for p in batch], self.store, processes=1,
                                   pipeline=self._pipeline_factory(), write_batch_size=len(batch))
            failed = {f.name: f.reason for f in summary.failures}
            stored = self.store.known_ids(p.article.id for p in batch)
            for p in batch:
                if p.url in failed or p.article.id not in stored:
                    continue
                state.record_url_stored(
                    self.con, p.url, result.round, article_id=p.article.id,
                    content_hash=content_hash(p.article.text),
                    minhash=[int(v) for v in p.minhash.hashvalues], http_status=p.fetched.status, final_url=p.final)
                for alias in p.aliases:
                    state.add_alias(self.con, alias, p.url, url_source(self.con, p.url), result.round, p.article.id)
        for p in batch:
            if p.url in failed:
                self._forget(p.article.id)
                self._fail(p.url, failed[p.url], p.fetched.status, result)
            elif p.article.id in stored:
                result.stored += 1
                result.stored_ids.append(p.article.id)
            else:  # not stored and no reason given: cannot happen with one writer; keep the URL due
                self._forget(p.article.id)
                self._fail(p.url, "the article was not stored", p.fetched.status, result)

    def _forget(self, article_id: str) -> None:
        """Drop an article that was not stored from the near-duplicate index."""
        if self.clusterer is not None and article_id in self.clusterer.signatures:
            self.clusterer.lsh.remove(article_id)
            del self.clusterer.signatures[article_id]
            del self.clusterer.story_of[article_id]

    def _clusterer(self) -> StoryClusterer:
        """The near-duplicate index over the articles this watcher (and earlier runs) stored."""
        if self.clusterer is None:
            clusterer = StoryClusterer(self.config.duplicate_threshold)
            for article_id, values in state.stored_signatures(self.con):
                clusterer.add_signature(article_id, signature_from_hashvalues(values))
            self.clusterer = clusterer
        return self.clusterer


def content_hash(text: str) -> str:
    """SHA-256 of the text as article ids see it (the id is its first 20 hex digits)."""
    return hashlib.sha256(normalize_for_id(text).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class _Prepared:
    """A fetched page turned into an Article, waiting for its batch to be annotated and stored."""

    url: str
    article: Article
    minhash: Any
    fetched: Fetched
    final: str | None
    aliases: list[str]


def url_source(con: duckdb.DuckDBPyConnection, url: str) -> str:
    rows = con.execute("SELECT source FROM watch_urls WHERE url = ?", [url]).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] else url


def _known(con: duckdb.DuckDBPyConnection, article_id: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM articles WHERE id = ?", [article_id]).fetchall()[0][0])

