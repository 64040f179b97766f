"""Filtered queries over the store, shared by the CLI and the HTTP API.

Every filter value travels as a bound parameter: no SQL is ever built from
user text. Column and table names come only from the fixed lists below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from eventwire.errors import EventwireError

EVENT_COLUMNS = (
    "article_id", "id", "event", "mode", "cameo", "quad", "goldstein", "actor", "recipient", "trigger",
    "sentence", "date", "date_text", "location", "negated", "hypothetical", "reported_by", "confidence",
    "outlet", "published", "sentence_text",
)
QUOTE_COLUMNS = (
    "article_id", "id", "kind", "text", "start", "end", "speaker", "speaker_text", "speaker_name", "cue",
    "channel", "anonymous", "confidence", "outlet", "published",
)
ACTOR_COLUMNS = (
    "name", "kind", "country", "sector", "role", "kb_id", "anonymous", "articles", "mentions",
)


class FilterError(EventwireError):
    """A filter value cannot be used (bad date, unknown event type, ...)."""


@dataclass(slots=True)
class Filters:
    """The filters the CLI and the API offer; None means "any"."""

    actor: str | None = None
    recipient: str | None = None
    type: str | None = None
    quad: int | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    article: str | None = None
    negated: bool | None = None
    hypothetical: bool | None = None
    anonymous: bool | None = None
    search: str | None = None
    limit: int = 100
    offset: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _day(value: str, name: str) -> date:
    try:
        parts = [int(p) for p in value.split("-")]
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError) as exc:
        raise FilterError(f"--{name} {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from exc


def _party_clause(column: str, value: str, params: list[Any]) -> str:
    """Matches a party by code (USA), code+sector (USAGOV), actor name or surface text (case-insensitive)."""
    params.extend([value.upper(), value.upper(), f"%{value.lower()}%", f"%{value.lower()}%"])
    return (
        f"(list_contains({column}_codes, ?) "
        f"OR len(list_filter({column}, p -> upper(coalesce(p.code, '') || coalesce(p.sector, '')) = ?)) > 0 "
        f"OR len(list_filter({column}_names, n -> lower(n) LIKE ?)) > 0 "
        f"OR len(list_filter({column}, p -> lower(p.text) LIKE ?)) > 0)"
    )


def event_where(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.actor:
        clauses.append(_party_clause("actor", filters.actor, params))
    if filters.recipient:
        clauses.append(_party_clause("recipient", filters.recipient, params))
    if filters.type:
        clauses.append("event = ?")
        params.append(filters.type.upper())
    if filters.quad is not None:
        clauses.append("quad = ?")
        params.append(int(filters.quad))
    if filters.since:
        clauses.append("event_day >= ?")
        params.append(_day(filters.since, "since"))
    if filters.until:
        clauses.append("event_day <= ?")
        params.append(_day(filters.until, "until"))
    if filters.outlet:
        clauses.append("lower(outlet) LIKE ?")
        params.append(f"%{filters.outlet.lower()}%")
    if filters.article:
        clauses.append("article_id = ?")
        params.append(filters.article)
    if filters.negated is not None:
        clauses.append("negated = ?")
        params.append(filters.negated)
    if filters.hypothetical is not None:
        clauses.append("hypothetical = ?")
        params.append(filters.hypothetical)
    if filters.search:
        clauses.append("lower(sentence_text) LIKE ?")
        params.append(f"%{filters.search.lower()}%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def quote_where(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.actor:
        clauses.append("(lower(speaker_name) LIKE ? OR lower(speaker_text) LIKE ?)")
        params.extend([f"%{filters.actor.lower()}%"] * 2)
    if filters.since:
        clauses.append("published >= ?")
        params.append(_day(filters.since, "since"))
    if filters.until:
        clauses.append("published <= ?")
        params.append(_day(filters.until, "until"))
    if filters.outlet:
        clauses.append("lower(outlet) LIKE ?")
        params.append(f"%{filters.outlet.lower()}%")
    if filters.article:
        clauses.append("article_id = ?")
        params.append(filters.article)
    if filters.anonymous is not None:
        clauses.append("anonymous = ?")
        params.append(filters.anonymous)
    if filters.search:
        clauses.append("lower(text) LIKE ?")
        params.append(f"%{filters.search.lower()}%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def actor_where(filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.actor:
        clauses.append("(lower(a.name) LIKE ? OR upper(a.country) = ? OR a.kb_id = ?)")
        params.extend([f"%{filters.actor.lower()}%", filters.actor.upper(), filters.actor])
    if filters.article:
        clauses.append("a.article_id = ?")
        params.append(filters.article)
    if filters.anonymous is not None:
        clauses.append("a.anonymous = ?")
        params.append(filters.anonymous)
    if filters.outlet or filters.since or filters.until:
        clauses.append("a.article_id IN (SELECT id FROM articles WHERE TRUE"
                       + (" AND lower(outlet) LIKE ?" if filters.outlet else "")
                       + (" AND published >= ?" if filters.since else "")
                       + (" AND published <= ?" if filters.until else "") + ")")
        if filters.outlet:
            params.append(f"%{filters.outlet.lower()}%")
        if filters.since:
            params.append(_day(filters.since, "since"))
        if filters.until:
            params.append(_day(filters.until, "until"))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.cursor()
    result = cursor.execute(sql, params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> int:
    return int(con.cursor().execute(sql, params).fetchone()[0])


def query_events(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[list[dict[str, Any]], int]:
    """Matching events, newest first, and the total number matching."""
    where, params = event_where(filters)
    columns = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
    rows = _rows(con, f"SELECT {columns} FROM events{where} ORDER BY event_day DESC NULLS LAST, article_id, id "
                      "LIMIT ? OFFSET ?", [*params, filters.limit, filters.offset])
    return rows, _count(con, f"SELECT count(*) FROM events{where}", params)


def query_quotes(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[list[dict[str, Any]], int]:
    where, params = quote_where(filters)
    columns = ", ".join(f'"{c}"' for c in QUOTE_COLUMNS)
    rows = _rows(con, f"SELECT {columns} FROM quotes{where} ORDER BY published DESC NULLS LAST, article_id, start "
                      "LIMIT ? OFFSET ?", [*params, filters.limit, filters.offset])
    return rows, _count(con, f"SELECT count(*) FROM quotes{where}", params)


def query_actors(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[list[dict[str, Any]], int]:
    """Actors across articles, grouped by canonical identity (kb_id, else name, kind and country)."""
    where, params = actor_where(filters)
    grouped = (
        "SELECT any_value(a.name) AS name, any_value(a.kind) AS kind, any_value(a.country) AS country, "
        "mode(a.sector) AS sector, mode(a.role) AS role, a.kb_id AS kb_id, bool_or(a.anonymous) AS anonymous, "
        "count(DISTINCT a.article_id) AS articles, sum(a.num_mentions) AS mentions "
        f"FROM actors a{where} GROUP BY a.kb_id, CASE WHEN a.kb_id IS NULL THEN lower(a.name) END, "
        "CASE WHEN a.kb_id IS NULL THEN a.kind END, CASE WHEN a.kb_id IS NULL THEN a.country END"
    )
    rows = _rows(con, f"SELECT * FROM ({grouped}) ORDER BY mentions DESC, name LIMIT ? OFFSET ?",
                 [*params, filters.limit, filters.offset])
    return rows, _count(con, f"SELECT count(*) FROM ({grouped})", params)
