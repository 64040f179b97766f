"""Event aggregation: one real-world event reported by many articles counts once.

Two event mentions report the same event when they have the same PLOVER
type, the same actor and recipient parties (codes and sectors; the party's
text when it has no code), dates no more than ``window_days`` apart, and the
same location when both know it (an unknown location matches any). Negated
and hypothetical events are not real-world events and are left out.

Clustering is anchored: mentions are taken in date order and a mention joins
the earliest open cluster of its key that started at most ``window_days``
before it, so a daily series of meetings does not chain into one event.
Undated mentions stay single.

The result is two tables: ``event_aggregates`` maps every event mention
``(article_id, event_id)`` to its ``aggregate_id`` (so every aggregate is
traceable to every mention), and ``aggregated_events`` has one row per
aggregate with GDELT's counts: ``num_mentions`` (event mentions),
``num_sources`` (distinct outlets), ``num_articles``, plus ``num_stories``
(distinct near-duplicate stories, see :mod:`eventwire.store.dedup`), the first
and all source URLs, and the list of mentions. Mentions are streamed from
DuckDB in key order, so memory holds one key's open clusters, not the corpus.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from eventwire.model import MAGNITUDE_KINDS
from eventwire.store.records import FACTUAL_EVENTS, to_arrow

DEFAULT_WINDOW_DAYS = 1

# A party as it counts for "same actor": code and sector, or its lower-cased text when it has no code.
_PARTY_KEY = "coalesce(p.code, 'text:' || lower(trim(p.text))) || '|' || coalesce(p.sector, '')"


def _parties_key(column: str) -> str:
    return f"array_to_string(list_sort(list_distinct(list_transform({column}, lambda p: {_PARTY_KEY}))), ',')"


_MENTIONS_SQL = f"""
SELECT article_id, id, event,
       {_parties_key("actor")} AS actor_key, {_parties_key("recipient")} AS recipient_key,
       coalesce(CAST(location.geonameid AS VARCHAR), lower(trim(location.name))) AS location_key,
       event_day
FROM events
WHERE {FACTUAL_EVENTS}
ORDER BY event, actor_key, recipient_key, event_day NULLS LAST, article_id, id
"""

_AGGREGATE_SQL = """
INSERT INTO aggregated_events
WITH m AS (
    SELECT ea.aggregate_id, e.*, a.url AS url,
           coalesce(a.outlet, nullif(regexp_extract(a.url, '^[a-z]+://([^/]+)', 1), ''), 'article:' || e.article_id)
               AS source_name,
           coalesce(s.story_id, e.article_id) AS story
    FROM event_aggregates ea
    JOIN events e ON e.article_id = ea.article_id AND e.id = ea.event_id
    JOIN (SELECT id, any_value(url) AS url, any_value(outlet) AS outlet FROM articles GROUP BY id) a
        ON a.id = e.article_id
    LEFT JOIN stories s ON s.article_id = e.article_id
)
SELECT aggregate_id AS id,
       first(event ORDER BY published NULLS LAST, article_id, id) AS event,
       mode(mode) AS mode, mode(cameo) AS cameo,
       first(quad ORDER BY published NULLS LAST, article_id, id) AS quad,
       avg(goldstein) AS goldstein,
       first(actor ORDER BY published NULLS LAST, article_id, id) AS actor,
       first(recipient ORDER BY published NULLS LAST, article_id, id) AS recipient,
       first(actor_codes ORDER BY published NULLS LAST, article_id, id) AS actor_codes,
       first(actor_names ORDER BY published NULLS LAST, article_id, id) AS actor_names,
       first(recipient_codes ORDER BY published NULLS LAST, article_id, id) AS recipient_codes,
       first(recipient_names ORDER BY published NULLS LAST, article_id, id) AS recipient_names,
       first(location ORDER BY location IS NULL, published NULLS LAST, article_id, id) AS location,
       min(event_day) AS event_day, max(event_day) AS last_day,
       count(*) AS num_mentions, count(DISTINCT source_name) AS num_sources,
       count(DISTINCT article_id) AS num_articles, count(DISTINCT story) AS num_stories,
       first(url ORDER BY url IS NULL, published NULLS LAST, article_id, id) AS first_url,
       first(article_id ORDER BY published NULLS LAST, article_id, id) AS first_article_id,
       first(id ORDER BY published NULLS LAST, article_id, id) AS first_event_id,
       list_sort(list(DISTINCT url) FILTER (WHERE url IS NOT NULL)) AS source_urls,
       list_sort(list(DISTINCT outlet) FILTER (WHERE outlet IS NOT NULL)) AS outlets,
       list({'article_id': article_id, 'event_id': id} ORDER BY article_id, id) AS mentions,
       max(killed) AS killed, max(injured) AS injured, max(arrested) AS arrested,
       flatten(list(magnitudes)) AS all_magnitudes
FROM m GROUP BY aggregate_id
"""


# Per magnitude kind over an aggregate's mentions: median, maximum, number of mentions reporting it.
_KIND_FIGURES = """list_filter(list_transform({kinds}, lambda k: {{'kind': k,
    'median': list_aggregate(list_transform(list_filter(all_magnitudes, lambda x: x.kind = k), lambda x: x.value),
                             'median')::DOUBLE,
    'max': list_max(list_transform(list_filter(all_magnitudes, lambda x: x.kind = k), lambda x: x.value)),
    'reports': len(list_filter(all_magnitudes, lambda x: x.kind = k))::INTEGER}}), lambda s: s.reports > 0)"""
_AGGREGATE_SQL = _AGGREGATE_SQL.replace("INSERT INTO aggregated_events\nWITH m AS (", "WITH m AS (", 1)
_AGGREGATE_SQL = (
    "INSERT INTO aggregated_events WITH g AS (" + _AGGREGATE_SQL + ") SELECT * EXCLUDE (all_magnitudes), "
    + _KIND_FIGURES.format(kinds="[" + ", ".join(f"'{k}'" for k in MAGNITUDE_KINDS) + "]") + " FROM g"
)


@dataclass(slots=True)
class _Cluster:
    start: date
    location: str | None
    id: str


def aggregate_id(article_id: str, event_id: str) -> str:
    """An aggregate is named after its first mention, so the id is stable across refreshes."""
    return hashlib.sha1(f"{article_id}\x00{event_id}".encode()).hexdigest()[:16]


def assign_aggregates(con: duckdb.DuckDBPyConnection, window_days: int = DEFAULT_WINDOW_DAYS,
                      batch_size: int = 10_000) -> int:
    """Fill ``event_aggregates`` from ``events``; returns the number of mentions assigned."""
    con.execute("DELETE FROM event_aggregates")
    window = timedelta(days=window_days)
    cursor = con.cursor()
    result = cursor.execute(_MENTIONS_SQL)
    current_key: tuple[str, str, str] | None = None
    open_clusters: list[_Cluster] = []
    pending: list[dict[str, str]] = []
    total = 0

    def flush() -> None:
        if pending:
            con.register("incoming_aggregates", to_arrow("event_aggregates", pending))
            con.execute("INSERT INTO event_aggregates SELECT * FROM incoming_aggregates")
            con.unregister("incoming_aggregates")
            pending.clear()

    while rows := result.fetchmany(batch_size):
        for article_id, event_id, event_type, actor_key, recipient_key, location, day in rows:
            key = (event_type, actor_key, recipient_key)
            if key != current_key:
                current_key, open_clusters = key, []
            chosen: _Cluster | None = None
            if day is not None:
                # Mentions come in date order: clusters that started over a window ago are closed for good.
                open_clusters = [c for c in open_clusters if day - c.start <= window]
                chosen = next((c for c in open_clusters
                               if c.location is None or location is None or c.location == location), None)
            if chosen is None:
                chosen = _Cluster(day or date.min, location, aggregate_id(article_id, event_id))
                if day is not None:
                    open_clusters.append(chosen)
            elif chosen.location is None:
                chosen.location = location
            pending.append({"article_id": article_id, "event_id": event_id, "aggregate_id": chosen.id})
            total += 1
        flush()
    flush()
    return total


def refresh_aggregates(con: duckdb.DuckDBPyConnection, window_days: int = DEFAULT_WINDOW_DAYS) -> int:
    """Recompute ``event_aggregates`` and ``aggregated_events``; returns the number of aggregated events."""
    assign_aggregates(con, window_days)
    con.execute("DELETE FROM aggregated_events")
    con.execute(_AGGREGATE_SQL)
    return int(con.execute("SELECT count(*) FROM aggregated_events").fetchone()[0])


def refresh_derived(con: duckdb.DuckDBPyConnection, window_days: int = DEFAULT_WINDOW_DAYS) -> dict[str, int]:
    """Recompute every derived table (stories first: aggregates count distinct stories), in one transaction."""
    from eventwire.store.dedup import refresh_stories

    con.execute("BEGIN TRANSACTION")
    try:
        duplicated = refresh_stories(con)
        aggregated = refresh_aggregates(con, window_days)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"duplicated_stories": duplicated, "aggregated_events": aggregated}
