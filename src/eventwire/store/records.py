"""Articles as table rows: the one tabular layout shared by DuckDB and Parquet.

``article_rows`` flattens an Article into rows for the tables ``articles``,
``actors``, ``mentions``, ``quotes``, ``events`` and ``places``; every row
carries ``article_id``. ``SCHEMAS`` gives each table's Arrow schema, so the
DuckDB store, the Parquet export and the Ray engine write identical columns.
Events keep the contract's nested fields (``actor`` and ``recipient`` as
lists of ``{actor, text, code, sector}`` structs) and add flat columns that
make filtering fast (``actor_codes``, ``actor_names``, ``event_day``, ...).
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from eventwire.model import DOUBTFUL_CONFIDENCE, Article, Failure
from eventwire.time import parse_date

# The events that count as having happened, for aggregates, dyads and actor networks: affirmed, not
# hypothetical, and not doubtful (confidence at least the contract's threshold).
FACTUAL_EVENTS = ("NOT coalesce(negated, false) AND NOT coalesce(hypothetical, false) "
                  f"AND confidence >= {DOUBTFUL_CONFIDENCE}")

# 2: derived tables ``stories`` (near-duplicate clusters) and ``event_aggregates``/``aggregated_events``.
# 3: cross-article actor keys (``actors.actor_key``, ``events.actor_keys``/``recipient_keys``, see ``actor_key``)
#    and party match columns (``events.actor_terms``/``actor_search``, ``recipient_*``) for fast filters.
# 4: event magnitudes: ``events.magnitudes`` and ``killed``/``injured``/``arrested``, and on
#    ``aggregated_events`` the largest figures and the per-kind median, maximum and number of reports;
#    ``quotes.parts``, the fragments of a split or multi-paragraph quote (contract 1.1).
# 5: ``inherited`` on places and event locations (contract 1.1: a location taken from elsewhere in the sentence).
SCHEMA_VERSION = 5

_PARTY = pa.struct([("actor", pa.string()), ("text", pa.string()), ("code", pa.string()), ("sector", pa.string())])
_MAGNITUDE = pa.struct([("kind", pa.string()), ("value", pa.int64()), ("at_least", pa.bool_()),
                        ("text", pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())]))])
# The magnitude kinds with a column of their own on events and aggregated events.
FIGURE_COLUMNS: tuple[str, ...] = ("killed", "injured", "arrested")
_PLACE_FIELDS = [
    ("name", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("country", pa.string()),
    ("admin1", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()), ("geonameid", pa.int64()),
    ("inherited", pa.bool_()),
]

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("id", pa.string()), ("title", pa.string()), ("url", pa.string()), ("outlet", pa.string()),
        ("published", pa.date32()), ("language", pa.string()), ("text", pa.string()),
        ("warnings", pa.list_(pa.string())), ("source", pa.string()),
        ("num_actors", pa.int32()), ("num_quotes", pa.int32()), ("num_events", pa.int32()),
        # The whole contract object, so an article reads back exactly as extracted.
        ("doc", pa.string()),
    ]),
    "actors": pa.schema([
        ("article_id", pa.string()), ("id", pa.string()), ("name", pa.string()), ("kind", pa.string()),
        ("country", pa.string()), ("sector", pa.string()), ("role", pa.string()), ("kb_id", pa.string()),
        ("anonymous", pa.bool_()), ("confidence", pa.float64()), ("num_mentions", pa.int32()),
        ("actor_key", pa.string()),
    ]),
    "mentions": pa.schema([
        ("article_id", pa.string()), ("actor_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("text", pa.string()),
    ]),
    "quotes": pa.schema([
        ("article_id", pa.string()), ("id", pa.string()), ("kind", pa.string()), ("text", pa.string()),
        ("start", pa.int64()), ("end", pa.int64()), ("speaker", pa.string()), ("speaker_text", pa.string()),
        ("speaker_name", pa.string()), ("cue", pa.string()), ("channel", pa.string()),
        ("anonymous", pa.bool_()), ("confidence", pa.float64()),
        ("parts", pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64())]))),
        ("outlet", pa.string()), ("published", pa.date32()),
    ]),
    "events": pa.schema([
        ("article_id", pa.string()), ("id", pa.string()), ("event", pa.string()), ("mode", pa.string()),
        ("cameo", pa.string()), ("quad", pa.int8()), ("goldstein", pa.float64()),
        ("actor", pa.list_(_PARTY)), ("recipient", pa.list_(_PARTY)),
        ("trigger", pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])),
        ("sentence", pa.struct([("start", pa.int64()), ("end", pa.int64())])),
        ("date", pa.string()), ("date_text", pa.string()), ("location", pa.struct(_PLACE_FIELDS)),
        ("negated", pa.bool_()), ("hypothetical", pa.bool_()), ("reported_by", pa.string()),
        ("confidence", pa.float64()),
        # Flat columns for filtering and aggregation.
        ("event_day", pa.date32()), ("actor_codes", pa.list_(pa.string())),
        ("actor_names", pa.list_(pa.string())), ("recipient_codes", pa.list_(pa.string())),
        ("recipient_names", pa.list_(pa.string())), ("outlet", pa.string()), ("published", pa.date32()),
        ("sentence_text", pa.string()),
        # Each party's actor_key (null when the party is not a resolved actor), parallel to actor/recipient.
        ("actor_keys", pa.list_(pa.string())), ("recipient_keys", pa.list_(pa.string())),
        # What an actor filter matches: codes and code+sector upper-cased (USA, USAGOV), and names and
        # surface texts lower-cased, joined by \x1f (one string scan instead of a list walk per row).
        ("actor_terms", pa.list_(pa.string())), ("actor_search", pa.string()),
        ("recipient_terms", pa.list_(pa.string())), ("recipient_search", pa.string()),
        # The contract's magnitudes, and the figures analysts filter on (null: the text gives none).
        ("magnitudes", pa.list_(_MAGNITUDE)),
        ("killed", pa.int64()), ("injured", pa.int64()), ("arrested", pa.int64()),
    ]),
    "places": pa.schema([("article_id", pa.string()), ("idx", pa.int32()), *_PLACE_FIELDS]),
    "failures": pa.schema([("name", pa.string()), ("reason", pa.string()), ("failed_at", pa.timestamp("us"))]),
    # Derived tables, recomputed from the record tables after each ingest (see store/dedup.py, store/aggregate.py).
    # One row per article: its near-duplicate story cluster, named by the cluster's earliest article.
    "stories": pa.schema([
        ("article_id", pa.string()), ("story_id", pa.string()), ("similarity", pa.float64()),
        ("story_size", pa.int32()),
    ]),
    # One row per aggregated event mention: which aggregate an event row belongs to.
    "event_aggregates": pa.schema([
        ("article_id", pa.string()), ("event_id", pa.string()), ("aggregate_id", pa.string()),
    ]),
    "aggregated_events": pa.schema([
        ("id", pa.string()), ("event", pa.string()), ("mode", pa.string()), ("cameo", pa.string()),
        ("quad", pa.int8()), ("goldstein", pa.float64()),
        ("actor", pa.list_(_PARTY)), ("recipient", pa.list_(_PARTY)),
        ("actor_codes", pa.list_(pa.string())), ("actor_names", pa.list_(pa.string())),
        ("recipient_codes", pa.list_(pa.string())), ("recipient_names", pa.list_(pa.string())),
        ("location", pa.struct(_PLACE_FIELDS)), ("event_day", pa.date32()), ("last_day", pa.date32()),
        ("num_mentions", pa.int32()), ("num_sources", pa.int32()), ("num_articles", pa.int32()),
        ("num_stories", pa.int32()), ("first_url", pa.string()), ("first_article_id", pa.string()),
        ("first_event_id", pa.string()), ("source_urls", pa.list_(pa.string())), ("outlets", pa.list_(pa.string())),
        ("mentions", pa.list_(pa.struct([("article_id", pa.string()), ("event_id", pa.string())]))),
        # Largest figure of each kind over the mentions (tolls rise as reports come in), and for every kind
        # reported: the median, the maximum and the number of mentions reporting it (store/aggregate.py).
        ("killed", pa.int64()), ("injured", pa.int64()), ("arrested", pa.int64()),
        ("magnitudes", pa.list_(pa.struct([("kind", pa.string()), ("median", pa.float64()), ("max", pa.int64()),
                                           ("reports", pa.int32())]))),
    ]),
}

RECORD_TABLES: tuple[str, ...] = ("articles", "actors", "mentions", "quotes", "events", "places")
# Tables computed from the record tables (never written per article batch).
DERIVED_TABLES: tuple[str, ...] = ("stories", "event_aggregates", "aggregated_events")


def actor_key(kb_id: str | None, name: str) -> str:
    """An actor's identity across articles: its ``kb_id`` when resolved, else ``name:`` and its name lower-cased
    with whitespace collapsed (so "Jim  Mattis" and "jim mattis" in two articles are one actor)."""
    return kb_id if kb_id else "name:" + " ".join(name.lower().split())


def article_rows(article: Article) -> dict[str, list[dict[str, Any]]]:
    """The rows one article contributes to each record table."""
    doc = article.to_dict()
    doc_json = json.dumps(doc, ensure_ascii=False)  # Article.to_json's text, without building the dict twice
    published = parse_date(article.published)
    names = {actor.id: actor.name for actor in article.actors}
    keys = {actor.id: actor_key(actor.kb_id, actor.name) for actor in article.actors}
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [{
            "id": article.id, "title": article.title, "url": article.url, "outlet": article.outlet,
            "published": published, "language": article.language, "text": article.text,
            "warnings": list(article.warnings), "source": article.source,
            "num_actors": len(article.actors), "num_quotes": len(article.quotes),
            "num_events": len(article.events), "doc": doc_json,
        }],
        "actors": [], "mentions": [], "quotes": [], "events": [], "places": [],
    }
    for actor in doc["actors"]:
        mentions = actor.pop("mentions")
        rows["actors"].append({"article_id": article.id, **actor, "num_mentions": len(mentions),
                               "actor_key": keys[actor["id"]]})
        rows["mentions"].extend(
            {"article_id": article.id, "actor_id": actor["id"], **mention} for mention in mentions
        )
    for quote in doc["quotes"]:
        rows["quotes"].append({
            "article_id": article.id, **quote, "speaker_name": names.get(quote["speaker"]),
            "outlet": article.outlet, "published": published,
        })
    for event in doc["events"]:
        sentence = event["sentence"]
        rows["events"].append({
            "article_id": article.id, **event,
            "event_day": parse_date(event["date"]) or published,
            "actor_codes": _codes(event["actor"]), "actor_names": _names(event["actor"], names),
            "recipient_codes": _codes(event["recipient"]), "recipient_names": _names(event["recipient"], names),
            "outlet": article.outlet, "published": published,
            "sentence_text": article.text[sentence["start"]:sentence["end"]],
            "actor_keys": [keys.get(p["actor"]) for p in event["actor"]],
            "recipient_keys": [keys.get(p["actor"]) for p in event["recipient"]],
            "actor_terms": _terms(event["actor"]), "actor_search": _search(event["actor"], names),
            "recipient_terms": _terms(event["recipient"]), "recipient_search": _search(event["recipient"], names),
            **_figures(event["magnitudes"]),
        })
    rows["places"] = [{"article_id": article.id, "idx": i, **place} for i, place in enumerate(doc["places"])]
    return rows


def _figures(magnitudes: list[dict[str, Any]]) -> dict[str, int | None]:
    values = {m["kind"]: m["value"] for m in magnitudes}
    return {kind: values.get(kind) for kind in FIGURE_COLUMNS}


def _codes(parties: list[dict[str, Any]]) -> list[str]:
    return [p["code"] for p in parties if p.get("code")]


def _names(parties: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    return [names.get(p["actor"]) or p["text"] for p in parties]


def _terms(parties: list[dict[str, Any]]) -> list[str]:
    terms: dict[str, None] = {}
    for p in parties:
        code, sector = p.get("code") or "", p.get("sector") or ""
        for term in (code, code + sector):
            if term:
                terms[term.upper()] = None
    return list(terms)


def _search(parties: list[dict[str, Any]], names: dict[str, str]) -> str:
    return "\x1f".join(dict.fromkeys(t.lower() for t in (*_names(parties, names), *(p["text"] for p in parties))))


def failure_row(failure: Failure, when: Any) -> dict[str, Any]:
    return {"name": failure.name, "reason": failure.reason, "failed_at": when}


def to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as an Arrow table with the table's fixed schema."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])


def batch_tables(articles: list[Article]) -> dict[str, pa.Table]:
    """Arrow tables holding the rows of a batch of articles, one per record table."""
    collected: dict[str, list[dict[str, Any]]] = {name: [] for name in RECORD_TABLES}
    for article in articles:
        for name, rows in article_rows(article).items():
            collected[name].extend(rows)
    return {name: to_arrow(name, rows) for name, rows in collected.items()}
