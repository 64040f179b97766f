"""The watcher's state: sources, every article URL seen, and rounds, in the same DuckDB file as the records.

``eventwire watch`` keeps everything it knows here, so a watcher that is stopped (or killed) resumes where it
was: a URL is fetched once, a source's ETag and Last-Modified make the next request conditional, and a
failed source or page carries its attempt count and the round of its next retry (exponential backoff counted
in rounds, so a cron ``--once`` and a long-running watcher behave alike). The tables are additive: they are
created in any writable database on open (no schema version change), and a database without them reads as
one with no sources.

``watch_sources``: one row per source (feed or sitemap URL) with its conditional-request validators, last
status and failure counts. ``watch_urls``: one row per normalised article URL (also for the redirect target
or canonical URL of a fetched page, as a duplicate pointing at it) with its state (``new``, ``stored``,
``duplicate``, ``failed``, ``gave_up``), the stored article's id, the content hash and MinHash signature of its
text (for near-duplicate checks across restarts), and the last attempt. ``watch_rounds``: one row per round.
Fetch failures are also rows of the store's ``failures`` table (URL, reason, time), like any failed document.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import duckdb
import pyarrow as pa

from eventwire.store.ddl import create_table_sql

# The states of an article URL.
NEW, STORED, DUPLICATE, FAILED, GAVE_UP = "new", "stored", "duplicate", "failed", "gave_up"
DONE_STATES = (STORED, DUPLICATE)

SOURCE_SCHEMAS: dict[str, pa.Schema] = {
    "watch_sources": pa.schema([
        ("url", pa.string()), ("kind", pa.string()), ("title", pa.string()), ("added_at", pa.timestamp("us")),
        # The source that led to this one (a sitemap index, or a page linking its feed); null when given.
        ("via", pa.string()),
        # Validators of the last successful response, sent back as If-None-Match / If-Modified-Since.
        ("etag", pa.string()), ("last_modified", pa.string()),
        ("last_fetched_at", pa.timestamp("us")), ("last_status", pa.string()), ("last_http_status", pa.int32()),
        ("last_reason", pa.string()), ("last_round", pa.int64()), ("new_last_round", pa.int32()),
        ("fetches", pa.int64()), ("failures", pa.int64()), ("consecutive_failures", pa.int32()),
        # The first round in which a failing source is tried again.
        ("retry_round", pa.int64()),
    ]),
    "watch_urls": pa.schema([
        ("url", pa.string()), ("source", pa.string()), ("first_seen_at", pa.timestamp("us")),
        ("first_round", pa.int64()), ("feed_title", pa.string()), ("feed_published", pa.string()),
        ("state", pa.string()), ("article_id", pa.string()), ("content_hash", pa.string()),
        ("minhash", pa.list_(pa.int64())), ("duplicate_of", pa.string()), ("attempts", pa.int32()),
        ("last_http_status", pa.int32()), ("last_reason", pa.string()), ("last_attempt_at", pa.timestamp("us")),
        ("retry_round", pa.int64()), ("stored_round", pa.int64()), ("stored_at", pa.timestamp("us")),
        ("final_url", pa.string()),
    ]),
    "watch_rounds": pa.schema([
        ("round", pa.int64()), ("started_at", pa.timestamp("us")), ("finished_at", pa.timestamp("us")),
        ("sources", pa.int32()), ("sources_failed", pa.int32()), ("new_urls", pa.int32()), ("fetched", pa.int32()),
        ("stored", pa.int32()), ("duplicates", pa.int32()), ("failed", pa.int32()), ("interrupted", pa.bool_()),
    ]),
}
SOURCE_KEYS = {"watch_sources": "PRIMARY KEY (url)", "watch_urls": "PRIMARY KEY (url)",
               "watch_rounds": "PRIMARY KEY (round)"}
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS watch_urls_state ON watch_urls (state)",
    "CREATE INDEX IF NOT EXISTS watch_urls_article ON watch_urls (article_id)",
)


def now() -> datetime:
    """The current UTC time as the naive timestamp DuckDB stores."""
    return datetime.now(UTC).replace(tzinfo=None)


@cache
def _ddl() -> tuple[str, ...]:
    return tuple(create_table_sql(name, SOURCE_SCHEMAS[name], SOURCE_KEYS[name]) for name in SOURCE_SCHEMAS)


def ensure_source_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the watcher's tables when missing (every writable open of a store calls this)."""
    existing = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if set(SOURCE_SCHEMAS) <= existing:
        return
    for statement in (*_ddl(), *_INDEXES):
        con.execute(statement)


def has_source_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return _scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                        "('watch_sources', 'watch_urls', 'watch_rounds')") == 3


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """The first column of the first row (fetched to the end, so the connection is free for the next query)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# -- rounds -------------------------------------------------------------------------------------

def start_round(con: duckdb.DuckDBPyConnection) -> int:
    """Open the next round and return its number (1 for the first round of a database)."""
    number = int(_scalar(con, "SELECT coalesce(max(round), 0) + 1 FROM watch_rounds"))
    con.execute("INSERT INTO watch_rounds (round, started_at, interrupted) VALUES (?, ?, false)", [number, now()])
    return number


def finish_round(con: duckdb.DuckDBPyConnection, number: int, counts: dict[str, int], interrupted: bool) -> None:
    con.execute(
        "UPDATE watch_rounds SET finished_at = ?, sources = ?, sources_failed = ?, new_urls = ?, fetched = ?, "
        "stored = ?, duplicates = ?, failed = ?, interrupted = ? WHERE round = ?",
        [now(), counts.get("sources", 0), counts.get("sources_failed", 0), counts.get("new_urls", 0),
         counts.get("fetched", 0), counts.get("stored", 0), counts.get("duplicates", 0), counts.get("failed", 0),
         interrupted, number])


# -- sources ------------------------------------------------------------------------------------

def add_sources(con: duckdb.DuckDBPyConnection, urls: list[str], via: str | None = None) -> list[str]:
    """Register sources not known yet; returns the new ones."""
    known = {r[0] for r in con.execute("SELECT url FROM watch_sources WHERE url IN (SELECT unnest(?))",
                                       [list(urls)]).fetchall()}
    fresh = list(dict.fromkeys(u for u in urls if u not in known))
    for url in fresh:
        con.execute("INSERT INTO watch_sources (url, added_at, via, fetches, failures, consecutive_failures) "
                    "VALUES (?, ?, ?, 0, 0, 0) ON CONFLICT DO NOTHING", [url, now(), via])
    return fresh


def followed(con: duckdb.DuckDBPyConnection, given: list[str]) -> list[str]:
    """The sources ``given`` and those found through them (child sitemaps, linked feeds, at any depth).

    Sources another run watched stay in the table (and in reports) but are not fetched by this one.
    """
    via = {url: parent for url, parent in con.execute("SELECT url, via FROM watch_sources").fetchall()}
    reached = set(given)
    changed = True
    while changed:
        found = {url for url, parent in via.items() if parent in reached and url not in reached}
        reached |= found
        changed = bool(found)
    return sorted(reached)


def due_sources(con: duckdb.DuckDBPyConnection, round_number: int, among: list[str]) -> list[dict[str, Any]]:
    """Sources among ``among`` to fetch this round (a failing one waits for its retry round), oldest first."""
    return _dicts(con.execute("SELECT url, kind, etag, last_modified FROM watch_sources "
                              "WHERE coalesce(retry_round, 0) <= ? AND url IN (SELECT unnest(?)) "
                              "ORDER BY added_at, url", [round_number, among]))


def source_state(con: duckdb.DuckDBPyConnection, url: str) -> dict[str, Any] | None:
    rows = _dicts(con.execute("SELECT * FROM watch_sources WHERE url = ?", [url]))
    return rows[0] if rows else None


def record_source_success(con: duckdb.DuckDBPyConnection, url: str, round_number: int, *, kind: str | None,
                          title: str | None, http_status: int, not_modified: bool, etag: str | None,
                          last_modified: str | None, new_urls: int) -> None:
    con.execute(
        "UPDATE watch_sources SET kind = coalesce(?, kind), title = coalesce(?, title), "
        "etag = CASE WHEN ? THEN etag ELSE ? END, last_modified = CASE WHEN ? THEN last_modified ELSE ? END, "
        "last_fetched_at = ?, last_status = ?, last_http_status = ?, last_reason = NULL, last_round = ?, "
        "new_last_round = ?, fetches = fetches + 1, consecutive_failures = 0, retry_round = NULL WHERE url = ?",
        [kind, title, not_modified, etag, not_modified, last_modified, now(),
         "not modified" if not_modified else "ok", http_status, round_number, new_urls, url])
    con.execute("DELETE FROM failures WHERE name = ?", [url])


def record_source_failure(con: duckdb.DuckDBPyConnection, url: str, round_number: int, *, http_status: int | None,
                          reason: str, max_backoff_rounds: int) -> None:
    failures = int(_scalar(con, "SELECT consecutive_failures FROM watch_sources WHERE url = ?", [url]) or 0) + 1
    con.execute(
        "UPDATE watch_sources SET last_fetched_at = ?, last_status = 'failed', last_http_status = ?, "
        "last_reason = ?, last_round = ?, new_last_round = 0, fetches = fetches + 1, failures = failures + 1, "
        "consecutive_failures = ?, retry_round = ? WHERE url = ?",
        [now(), http_status, reason, round_number, failures,
         round_number + backoff_rounds(failures, max_backoff_rounds), url])
    _failure_row(con, url, reason)


def backoff_rounds(failures: int, cap: int) -> int:
    """Rounds to wait after the ``failures``-th failure in a row: 1, 2, 4, 8, ... up to ``cap``."""
    return int(min(2 ** max(failures - 1, 0), cap))


def _failure_row(con: duckdb.DuckDBPyConnection, name: str, reason: str) -> None:
    con.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?)", [name, reason, now()])


# -- article URLs -------------------------------------------------------------------------------

def add_urls(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], source: str, round_number: int) -> int:
    """Insert article URLs not seen before (``url``, ``title``, ``published``); returns how many were new."""
    if not rows:
        return 0
    before = int(_scalar(con, "SELECT count(*) FROM watch_urls"))
    table = pa.Table.from_pylist([
        {"url": r["url"], "source": source, "first_seen_at": now(), "first_round": round_number,
         "feed_title": r.get("title"), "feed_published": r.get("published"), "state": NEW, "attempts": 0}
        for r in rows], schema=SOURCE_SCHEMAS["watch_urls"])
    con.register("incoming_urls", table)
    try:
        con.execute("INSERT INTO watch_urls SELECT * FROM incoming_urls ON CONFLICT DO NOTHING")
    finally:
        con.unregister("incoming_urls")
    return int(_scalar(con, "SELECT count(*) FROM watch_urls")) - before


def url_states(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, dict[str, Any]]:
    if not urls:
        return {}
    rows = _dicts(con.execute("SELECT url, state, article_id, duplicate_of FROM watch_urls "
                              "WHERE url IN (SELECT unnest(?))", [urls]))
    return {row["url"]: row for row in rows}


def due_urls(con: duckdb.DuckDBPyConnection, round_number: int, limit: int, sources: list[str],
             ) -> list[dict[str, Any]]:
    """The URLs of ``sources`` to fetch this round, oldest first: new ones, and failed ones whose retry round
    has come."""
    return _dicts(con.execute(
        "SELECT url, source, feed_title, feed_published, attempts FROM watch_urls "
        "WHERE (state = ? OR (state = ? AND coalesce(retry_round, 0) <= ?)) AND source IN (SELECT unnest(?)) "
        "ORDER BY first_round, first_seen_at, url LIMIT ?", [NEW, FAILED, round_number, sources, limit]))


def reconcile(con: duckdb.DuckDBPyConnection, round_number: int) -> int:
    """Mark URLs stored whose article is already in the store (a watcher killed between storing an article
    and recording it); returns how many were fixed. Nothing is fetched again for them."""
    pending = con.execute("SELECT url FROM watch_urls WHERE state NOT IN ('stored', 'duplicate')").fetchall()
    if not pending:
        return 0
    rows = con.execute("SELECT source, id FROM articles WHERE source IN (SELECT unnest(?))",
                       [[r[0] for r in pending]]).fetchall()
    for url, article_id in rows:
        con.execute("UPDATE watch_urls SET state = 'stored', article_id = ?, content_hash = NULL, "
                    "stored_round = ?, stored_at = ? WHERE url = ?", [article_id, round_number, now(), url])
    return len(rows)


def record_url_stored(con: duckdb.DuckDBPyConnection, url: str, round_number: int, *, article_id: str,
                      content_hash: str, minhash: list[int], http_status: int | None, final_url: str | None) -> None:
    con.execute(
        "UPDATE watch_urls SET state = 'stored', article_id = ?, content_hash = ?, minhash = ?, "
        "attempts = attempts + 1, last_http_status = ?, last_reason = NULL, last_attempt_at = ?, "
        "retry_round = NULL, stored_round = ?, stored_at = ?, final_url = ? WHERE url = ?",
        [article_id, content_hash, minhash, http_status, now(), round_number, now(), final_url, url])


def record_url_duplicate(con: duckdb.DuckDBPyConnection, url: str, round_number: int, *, article_id: str | None,
                         duplicate_of: str, reason: str, http_status: int | None, final_url: str | None) -> None:
    con.execute(
        "UPDATE watch_urls SET state = 'duplicate', article_id = ?, duplicate_of = ?, attempts = attempts + 1, "
        "last_http_status = ?, last_reason = ?, last_attempt_at = ?, retry_round = NULL, stored_round = ?, "
        "final_url = ? WHERE url = ?",
        [article_id, duplicate_of, http_status, reason, now(), round_number, final_url, url])
    con.execute("DELETE FROM failures WHERE name = ?", [url])


def add_alias(con: duckdb.DuckDBPyConnection, alias: str, of: str, source: str, round_number: int,
              article_id: str | None) -> None:
    """Record ``alias`` (a redirect target or canonical URL of ``of``) as seen, so it is never fetched again."""
    con.execute(
        "INSERT INTO watch_urls (url, source, first_seen_at, first_round, state, article_id, duplicate_of, "
        "attempts, last_reason) VALUES (?, ?, ?, ?, 'duplicate', ?, ?, 0, ?) ON CONFLICT DO NOTHING",
        [alias, source, now(), round_number, article_id, of, f"same page as {of}"])


def record_url_failure(con: duckdb.DuckDBPyConnection, url: str, round_number: int, *, reason: str,
                       http_status: int | None, max_attempts: int, max_backoff_rounds: int) -> bool:
    """Count a failed attempt; returns False when the URL has now failed ``max_attempts`` times (given up)."""
    attempts = int(_scalar(con, "SELECT attempts FROM watch_urls WHERE url = ?", [url]) or 0) + 1
    retry = attempts < max_attempts
    con.execute(
        "UPDATE watch_urls SET state = ?, attempts = ?, last_http_status = ?, last_reason = ?, "
        "last_attempt_at = ?, retry_round = ? WHERE url = ?",
        [FAILED if retry else GAVE_UP, attempts, http_status, reason, now(),
         round_number + backoff_rounds(attempts, max_backoff_rounds) if retry else None, url])
    _failure_row(con, url, reason if retry else f"{reason} (gave up after {attempts} attempts)")
    return retry


def stored_signatures(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[int]]]:
    """``(article_id, minhash)`` of every article the watcher stored, oldest first (for near-duplicate checks)."""
    return [(r[0], r[1]) for r in con.execute(
        "SELECT article_id, minhash FROM watch_urls WHERE state = 'stored' AND minhash IS NOT NULL "
        "ORDER BY stored_round, stored_at, url").fetchall()]


# -- reports ------------------------------------------------------------------------------------

def sources_report(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One row per source: last status, new URLs and articles in the last round, totals and failure counts."""
    if not has_source_tables(con):
        return []
    return _dicts(con.execute("""
        WITH last AS (SELECT coalesce(max(round), 0) AS round FROM watch_rounds),
        per AS (
            SELECT source,
                   count(*) FILTER (WHERE state = 'stored') AS articles,
                   count(*) FILTER (WHERE state = 'stored' AND stored_round = (SELECT round FROM last))
                       AS stored_last_round,
                   count(*) FILTER (WHERE state = 'duplicate') AS duplicates,
                   count(*) FILTER (WHERE state = 'failed') AS failing_urls,
                   count(*) FILTER (WHERE state = 'gave_up') AS given_up_urls,
                   count(*) FILTER (WHERE state = 'new') AS pending_urls
            FROM watch_urls GROUP BY source)
        SELECT s.url, s.kind, s.title, s.via, s.last_status, s.last_http_status, s.last_reason, s.last_fetched_at,
               s.last_round, coalesce(s.new_last_round, 0) AS new_urls_last_round,
               coalesce(p.stored_last_round, 0) AS stored_last_round, coalesce(p.articles, 0) AS articles,
               coalesce(p.duplicates, 0) AS duplicates, coalesce(p.pending_urls, 0) AS pending_urls,
               coalesce(p.failing_urls, 0) AS failing_urls, coalesce(p.given_up_urls, 0) AS given_up_urls,
               s.fetches, s.failures AS source_failures, s.consecutive_failures, s.retry_round
        FROM watch_sources s LEFT JOIN per p ON p.source = s.url
        ORDER BY s.added_at, s.url"""))


def last_round(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    if not has_source_tables(con):
        return None
    rows = _dicts(con.execute("SELECT * FROM watch_rounds ORDER BY round DESC LIMIT 1"))
    return rows[0] if rows else None


def failing_urls(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[dict[str, Any]]:
    if not has_source_tables(con):
        return []
    return _dicts(con.execute(
        "SELECT url, source, state, attempts, last_http_status, last_reason, last_attempt_at, retry_round "
        "FROM watch_urls WHERE state IN ('failed', 'gave_up') ORDER BY last_attempt_at DESC, url LIMIT ?", [limit]))


def latest_stored(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, Any]]:
    """The articles the watcher stored most recently, newest first."""
    if not has_source_tables(con):
        return []
    return _dicts(con.execute(
        "SELECT w.url, w.source, w.article_id, a.title, a.outlet, a.published, w.stored_at, w.stored_round, "
        "a.num_events, a.num_quotes FROM watch_urls w JOIN articles a ON a.id = w.article_id "
        "WHERE w.state = 'stored' ORDER BY w.stored_at DESC, w.url LIMIT ?", [limit]))
