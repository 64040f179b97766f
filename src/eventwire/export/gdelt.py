"""GDELT 2.0 event table: tab-separated, the 61 columns of the GDELT 2.0 event codebook, no header.

Each column is produced by one entry of :data:`GDELT_COLUMNS` (name, function of an
:class:`EventRow`); columns eventwire cannot fill are empty. ``NumMentions``, ``NumSources``
and ``NumArticles`` come from the store's aggregated events (store/aggregate.py): when the store
has them, the rows of each aggregated (real-world) event are made from its first mention, with
the aggregate's counts and first source URL, as GDELT does; without them (no refresh run) every
event mention gives rows and those columns are empty. ``AvgTone`` is left empty.

Rows are directed pairs, as GDELT's Actor1 → Actor2 (see :func:`pairs`): an event gives one row per
(actor, recipient) pair; a symmetric event ("Washington and Baghdad are negotiating", coded with both
governments as actors and no recipient) gives one row per ordered pair of its actors (USA → IRQ and
IRQ → USA); actors of a non-symmetric event without recipient ("protesters and students marched") each
get a row with an empty Actor2. A symmetric event is one whose type has symmetric senses in the events
lexicon (``sym`` in events/data/lexicon.tsv: CONSULT, AGREE, COOPERATE, ...).

``ActionGeo_Type`` is GDELT's geographic resolution, from the gazetteer's feature class of the event's
place: 1 country, 2 US state, 3 US city, 4 world city (capitals included), 5 world state (a first-level
division); empty for a place not resolved, a continent or a region spanning countries. Geography codes
in GDELT are FIPS 10-4, which eventwire does not carry, so the ``*_CountryCode`` and ``*_ADM1Code``
columns stay empty while names, coordinates and GeoNames ids are filled. Actor codes follow the
CAMEO/GDELT convention country + sector (``USAGOV``), and GDELT's actor types are CAMEO agent codes, so a
party's PLOVER sector is written as its CAMEO code (knowledge/data/sectors.tsv: JRN news media as MED, MED
health as HLH, SOC as NGO; PRM, UNK and PRE, which CAMEO lacks, leave the type empty). GDELT rows are read
as facts, so negated and hypothetical events are not exported in this format (the PLOVER export keeps them, flagged).
``--format gdelt-magnitudes`` adds three columns after the 61: ``killed``, ``injured`` and ``arrested`` (the
largest figure over an aggregate's mentions, or the event's own; empty when the text gives none).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from itertools import islice
from pathlib import Path

import pycountry

from eventwire.knowledge.sectors import cameo_sector
from eventwire.model import DOUBTFUL_CONFIDENCE, Article, Event, Party, Place
from eventwire.store import Store
from eventwire.store.records import FIGURE_COLUMNS
from eventwire.time import parse_date


@dataclass(slots=True)
class EventRow:
    """What a GDELT row is made from: an event, one directed pair of its parties, its article, the export time."""

    article: Article
    event: Event
    added: str
    # (NumMentions, NumSources, NumArticles, first source URL) of the aggregated event this row stands for.
    aggregate: tuple[int, int, int, str | None] | None = None
    actor1: Party | None = None
    actor2: Party | None = None
    # Which pair of the event this row is (0 for the first): keeps GLOBALEVENTID unique per row.
    pair: int = 0

    @property
    def day(self) -> date | None:
        return parse_date(self.event.date) or parse_date(self.article.published)


@cache
def _symmetric_types() -> frozenset[str]:
    """PLOVER types with a symmetric sense in the events lexicon (conjoined actors act on each other)."""
    from eventwire.events.lexicon import default_lexicon

    return frozenset(e.type for senses in default_lexicon().entries.values() for e in senses if e.has("sym"))


def pairs(event: Event) -> list[tuple[Party | None, Party | None]]:
    """The (Actor1, Actor2) pairs an event is written as: see the module's documentation."""
    actors, recipients = event.actor, event.recipient
    if not recipients and len(actors) >= 2 and event.event in _symmetric_types():
        return [(a, b) for a in actors for b in actors if a is not b]
    if not actors or not recipients:
        return [(a, None) for a in actors] or [(None, r) for r in recipients] or [(None, None)]
    return [(a, r) for a in actors for r in recipients]


def _is_country(code: str | None) -> bool:
    return bool(code) and len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None


def _actor_code(party: Party | None) -> str:
    if party is None:
        return ""
    return f"{party.code or ''}{cameo_sector(party.sector) or ''}"


def _name(row: EventRow, party: Party | None) -> str:
    if party is None:
        return ""
    actor = row.article.actor_by_id(party.actor)
    return _clean((actor.name if actor else party.text).upper())


def _country(party: Party | None) -> str:
    return party.code if party is not None and _is_country(party.code) else ""


def _group(party: Party | None) -> str:
    if party is None or not party.code or _is_country(party.code):
        return ""
    return party.code


def _type(party: Party | None) -> str:
    return (cameo_sector(party.sector) or "") if party is not None else ""


def _clean(value: str) -> str:
    return " ".join(value.replace("\t", " ").split())


def _global_id(row: EventRow) -> str:
    key = f"{row.article.id}\x00{row.event.id}" + (f"\x00{row.pair}" if row.pair else "")
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return str(int.from_bytes(digest, "big") >> 1)


def _fraction(day: date | None) -> str:
    if day is None:
        return ""
    return f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}"


def _root_event(row: EventRow) -> str:
    # GDELT: the event occurs in the lead paragraph of the article.
    text = row.article.text
    lead_end = text.find("\n\n", text.find("\n\n") + 2) if text.count("\n\n") > 1 else len(text)
    return "1" if row.event.sentence[0] < lead_end else "0"


# GDELT's ActionGeo_Type per gazetteer feature class, outside the US and in it.
_GEO_TYPES = {"country": ("1", "1"), "admin1": ("5", "2"), "city": ("4", "3"), "capital": ("4", "3")}


def _geo_type(row: EventRow) -> str:
    place = row.event.location
    if place is None or place.lat is None:
        return ""
    kind = feature_class(place)
    if kind not in _GEO_TYPES:
        return ""
    outside, inside = _GEO_TYPES[kind]
    return inside if place.country == "USA" else outside


def feature_class(place: Place) -> str | None:
    """The gazetteer's feature class (country, admin1, city, capital, region, continent) of a resolved place:
    the gazetteer entry of its name with its GeoNames id, else with its point (as the places stage rounds it)."""
    from eventwire.places.gazetteer import Gazetteer

    candidates = [c for c, _alternate in Gazetteer.load().candidates(place.name)]
    if place.geonameid is not None:
        by_id = [c for c in candidates if c.geonameid == place.geonameid]
        if by_id:
            return by_id[0].kind
    by_point = [c for c in candidates if place.lat is not None and place.lon is not None
                and abs(round(c.lat, 5) - place.lat) < 1e-4 and abs(round(c.lon, 5) - place.lon) < 1e-4]
    return by_point[0].kind if by_point else None


def _num(value: float | int | None) -> str:
    return "" if value is None else str(value)


def _empty(_row: EventRow) -> str:
    return ""


Column = tuple[str, Callable[[EventRow], str]]


def _actor_columns(prefix: str, side: Callable[[EventRow], Party | None]) -> list[Column]:
    return [
        (f"{prefix}Code", lambda r: _actor_code(side(r))),
        (f"{prefix}Name", lambda r: _name(r, side(r))),
        (f"{prefix}CountryCode", lambda r: _country(side(r))),
        (f"{prefix}KnownGroupCode", lambda r: _group(side(r))),
        (f"{prefix}EthnicCode", _empty),
        (f"{prefix}Religion1Code", _empty),
        (f"{prefix}Religion2Code", _empty),
        (f"{prefix}Type1Code", lambda r: _type(side(r))),
        (f"{prefix}Type2Code", _empty),
        (f"{prefix}Type3Code", _empty),
    ]


def _geo_columns(prefix: str, action: bool) -> list[Column]:
    def place_field(name: str) -> Callable[[EventRow], str]:
        def get(r: EventRow) -> str:
            place = r.event.location if action else None
            return _clean(str(getattr(place, name) or "")) if place is not None else ""
        return get

    return [
        (f"{prefix}_Type", _geo_type if action else _empty),
        (f"{prefix}_FullName", place_field("name")),
        (f"{prefix}_CountryCode", _empty),  # FIPS 10-4 in GDELT; not carried by eventwire
        (f"{prefix}_ADM1Code", _empty),
        (f"{prefix}_ADM2Code", _empty),
        (f"{prefix}_Lat", place_field("lat")),
        (f"{prefix}_Long", place_field("lon")),
        (f"{prefix}_FeatureID", place_field("geonameid")),
    ]


# The GDELT 2.0 event table, in codebook order: one (column, value function) per column.
GDELT_COLUMNS: list[Column] = [
    ("GLOBALEVENTID", _global_id),
    ("SQLDATE", lambda r: r.day.strftime("%Y%m%d") if r.day else ""),
    ("MonthYear", lambda r: r.day.strftime("%Y%m") if r.day else ""),
    ("Year", lambda r: str(r.day.year) if r.day else ""),
    ("FractionDate", lambda r: _fraction(r.day)),
    *_actor_columns("Actor1", lambda r: r.actor1),
    *_actor_columns("Actor2", lambda r: r.actor2),
    ("IsRootEvent", _root_event),
    ("EventCode", lambda r: r.event.cameo or ""),
    ("EventBaseCode", lambda r: (r.event.cameo or "")[:3]),
    ("EventRootCode", lambda r: (r.event.cameo or "")[:2]),
    ("QuadClass", lambda r: _num(r.event.quad)),
    ("GoldsteinScale", lambda r: _num(r.event.goldstein)),
    ("NumMentions", lambda r: _num(r.aggregate[0]) if r.aggregate else ""),
    ("NumSources", lambda r: _num(r.aggregate[1]) if r.aggregate else ""),
    ("NumArticles", lambda r: _num(r.aggregate[2]) if r.aggregate else ""),
    ("AvgTone", _empty),
    *_geo_columns("Actor1Geo", action=False),
    *_geo_columns("Actor2Geo", action=False),
    *_geo_columns("ActionGeo", action=True),
    ("DATEADDED", lambda r: r.added),
    ("SOURCEURL", lambda r: (r.aggregate[3] if r.aggregate and r.aggregate[3] else r.article.url) or ""),
]
GDELT_HEADER: list[str] = [name for name, _ in GDELT_COLUMNS]


Aggregates = Mapping[tuple[str, str], tuple[int, int, int, str | None]]


def gdelt_rows(articles: Iterable[Article], added: str | None = None,
               aggregates: Aggregates | None = None, extra: Sequence[Column] = ()) -> Iterator[list[str]]:
    """GDELT rows (lists of strings) for the factual events of some articles, one per directed pair.

    With ``aggregates`` (first mention ``(article_id, event_id)`` -> counts and first URL), only first
    mentions of aggregated events are rows, carrying the counts.
    """
    stamp = added or datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    for article in articles:
        for event in article.events:
            if event.negated or event.hypothetical or event.confidence < DOUBTFUL_CONFIDENCE:
                continue
            aggregate = aggregates.get((article.id, event.id)) if aggregates is not None else None
            if aggregates is not None and aggregate is None:
                continue  # a further mention of an event already counted in its first mention's row
            for index, (actor1, actor2) in enumerate(pairs(event)):
                row = EventRow(article, event, stamp, aggregate, actor1, actor2, index)
                yield [value(row) for _, value in (*GDELT_COLUMNS, *extra)]


def _first_mentions(store: Store, articles: list[Article]) -> Aggregates:
    rows = store.con.cursor().execute(
        "SELECT first_article_id, first_event_id, num_mentions, num_sources, num_articles, first_url "
        "FROM aggregated_events WHERE first_article_id IN (SELECT unnest(?))", [[a.id for a in articles]],
    ).fetchall()
    return {(a, e): (m, s, n, url) for a, e, m, s, n, url in rows}


def _figure_columns(figures: Mapping[tuple[str, str], tuple[int | None, ...]] | None) -> list[Column]:
    """``killed``, ``injured``, ``arrested``: the aggregate's largest figures (tolls rise as reports come in), or
    the event's own when rows are event mentions."""
    def column(position: int, kind: str) -> Callable[[EventRow], str]:
        def get(row: EventRow) -> str:
            if figures is not None:
                return _num((figures.get((row.article.id, row.event.id)) or (None,) * 3)[position])
            return _num(next((m.value for m in row.event.magnitudes if m.kind == kind), None))
        return get

    return [(kind, column(i, kind)) for i, kind in enumerate(FIGURE_COLUMNS)]


def _aggregate_figures(store: Store, articles: list[Article]) -> dict[tuple[str, str], tuple[int | None, ...]]:
    rows = store.con.cursor().execute(
        "SELECT first_article_id, first_event_id, killed, injured, arrested "
        "FROM aggregated_events WHERE first_article_id IN (SELECT unnest(?))", [[a.id for a in articles]],
    ).fetchall()
    return {(a, e): tuple(values) for a, e, *values in rows}


def export_gdelt_magnitudes(store: Store, out: Path) -> int:
    """:func:`export_gdelt` with three more columns after the 61 of GDELT 2.0: killed, injured, arrested."""
    return export_gdelt(store, out, magnitudes=True)


def export_gdelt(store: Store, out: Path, magnitudes: bool = False) -> int:
    """The factual stored events as a GDELT 2.0 event table; returns the number of rows."""
    count = 0
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    aggregated = bool(store.con.cursor().execute("SELECT count(*) FROM aggregated_events").fetchone()[0])
    articles = iter(store.iter_articles())
    with out.open("w", encoding="utf-8") as handle:
        # A batch of articles at a time, with the aggregates whose first mention they hold.
        while batch := list(islice(articles, 500)):
            extra = _figure_columns(_aggregate_figures(store, batch) if aggregated else None) if magnitudes else []
            for row in gdelt_rows(batch, stamp, _first_mentions(store, batch) if aggregated else None, extra):
                handle.write("\t".join(row) + "\n")
                count += 1
    return count
