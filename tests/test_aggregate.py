"""Event aggregation on hand-made articles whose events are constructed, not extracted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eventwire.model import Article, Event, Party, Place, Span
from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from eventwire.store.query import Filters, query_aggregated_events

BAGHDAD = Place(name="Baghdad", country="IRQ", lat=33.34, lon=44.4, geonameid=98182)
MOSUL = Place(name="Mosul", country="IRQ", lat=36.33, lon=43.13, geonameid=99072)
TEXT = ("US and Iraqi officials met in Baghdad on Tuesday to discuss the future of American troops in the "
        "country, officials said. The talks will continue next month. ")


def _event(event_id: str, date: str | None, *, event: str = "CONSULT", location: Place | None = None,
           recipient_sector: str = "GOV", negated: bool = False, actor_text: str = "US officials") -> Event:
    return Event(
        id=event_id, event=event, trigger=Span(18, 21, "met"), sentence=(0, 96), cameo="040", quad=1,
        goldstein=1.0, actor=[Party(None, actor_text, "USA", "GOV")],
        recipient=[Party(None, "Iraqi officials", "IRQ", recipient_sector)], date=date, location=location,
        negated=negated,
    )


# Distinct wording per article, so only the copy made below is a near-duplicate.
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
         "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey")


def _own_text(article_id: str) -> str:
    seed = sum(map(ord, article_id))
    return TEXT + " ".join(WORDS[(seed * (i + 3)) % len(WORDS)] + str(i % 7) for i in range(40))


def _article(article_id: str, outlet: str | None, published: str, events: list[Event],
             url: bool = True) -> Article:
    return Article(id=article_id, text=_own_text(article_id), outlet=outlet, published=published, events=events,
                   url=f"https://{(outlet or 'x').lower().replace(' ', '')}.example/{article_id}" if url else None)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    articles = [
        # One meeting on 2017-12-19 reported four times by three outlets (two wire copies of one story).
        _article("a1", "Reuters", "2017-12-19", [_event("e1", "2017-12-19", location=BAGHDAD),
                                                   _event("e2", "2017-12-19", negated=True)]),
        _article("a2", "Yahoo News", "2017-12-20", [_event("e1", "2017-12-19")], url=True),
        _article("a3", "Al Jazeera", "2017-12-20", [_event("e1", "2017-12-20", location=BAGHDAD,
                                                           actor_text="Washington")]),
        _article("a4", "Reuters", "2017-12-20", [_event("e1", "2017-12-19", location=BAGHDAD)]),
        # Same dyad and type a week later: another meeting.
        _article("a5", "Reuters", "2017-12-27", [_event("e1", "2017-12-27")]),
        # Same day but in Mosul: another event; and a military recipient: another dyad.
        _article("a6", "AP", "2017-12-19", [_event("e1", "2017-12-19", location=MOSUL),
                                            _event("e2", "2017-12-19", recipient_sector="MIL")]),
        # Undated mention: stays single.
        _article("a7", None, "2017-12-19", [_event("e1", None)], url=False),
    ]
    # a2 is a syndicated copy of a1's text: one story.
    articles[1].text = articles[0].text
    with Store(tmp_path / "agg.duckdb") as opened:
        opened.write_batch(articles)
        opened.con.execute("UPDATE events SET event_day = NULL WHERE article_id = 'a7'")
        refresh_derived(opened.con)
        yield opened


def _by_first(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["first_article_id"], row["first_event_id"]): row for row in rows}


def test_reports_of_one_event_collapse_with_gdelt_counts(store: Store) -> None:
    rows, total = query_aggregated_events(store.con, Filters(limit=50))
    assert total == 5
    meeting = _by_first(rows)[("a1", "e1")]
    assert meeting["num_mentions"] == 4
    assert meeting["num_articles"] == 4
    assert meeting["num_sources"] == 3  # Reuters twice, Yahoo News, Al Jazeera
    assert meeting["num_stories"] == 3  # a1 and its copy a2 are one story
    assert meeting["first_url"] == "https://reuters.example/a1"
    assert meeting["source_urls"] == sorted(f"https://{o}.example/{a}" for o, a in
                                            [("reuters", "a1"), ("yahoonews", "a2"), ("aljazeera", "a3"),
                                             ("reuters", "a4")])
    assert meeting["outlets"] == ["Al Jazeera", "Reuters", "Yahoo News"]
    assert str(meeting["event_day"]) == "2017-12-19" and str(meeting["last_day"]) == "2017-12-20"
    assert meeting["location"]["name"] == "Baghdad"
    assert [(m["article_id"], m["event_id"]) for m in meeting["mentions"]] == [
        ("a1", "e1"), ("a2", "e1"), ("a3", "e1"), ("a4", "e1")]


def test_every_factual_mention_is_traceable_to_one_aggregate(store: Store) -> None:
    mapped = store.con.execute(
        "SELECT article_id, event_id, aggregate_id FROM event_aggregates ORDER BY ALL").fetchall()
    assert [(a, e) for a, e, _ in mapped] == [
        ("a1", "e1"), ("a2", "e1"), ("a3", "e1"), ("a4", "e1"), ("a5", "e1"), ("a6", "e1"), ("a6", "e2"),
        ("a7", "e1")]  # a1/e2 is negated: not a real-world event
    assert len({agg for *_, agg in mapped}) == 5
    total = store.con.execute("SELECT sum(num_mentions) FROM aggregated_events").fetchone()[0]
    assert total == len(mapped)


def test_separate_events_stay_apart(store: Store) -> None:
    rows, _ = query_aggregated_events(store.con, Filters(limit=50))
    singles = {key: row["num_mentions"] for key, row in _by_first(rows).items() if key != ("a1", "e1")}
    assert singles == {("a5", "e1"): 1, ("a6", "e1"): 1, ("a6", "e2"): 1, ("a7", "e1"): 1}


def test_window_controls_what_counts_as_the_same_date(store: Store) -> None:
    from eventwire.store.aggregate import refresh_aggregates

    refresh_aggregates(store.con, window_days=0)
    rows, _ = query_aggregated_events(store.con, Filters(limit=50))
    # With a zero-day window the Al Jazeera report dated the 20th is a separate event.
    assert _by_first(rows)[("a1", "e1")]["num_mentions"] == 3
    refresh_aggregates(store.con, window_days=10)
    rows, _ = query_aggregated_events(store.con, Filters(limit=50))
    assert _by_first(rows)[("a1", "e1")]["num_mentions"] == 5  # the meeting a week later joins


def test_filters_apply_to_aggregated_events(store: Store) -> None:
    rows, total = query_aggregated_events(store.con, Filters(recipient="IRQMIL"))
    assert total == 1 and rows[0]["first_article_id"] == "a6"
    rows, total = query_aggregated_events(store.con, Filters(outlet="jazeera"))
    assert total == 1 and rows[0]["num_mentions"] == 4
    _, total = query_aggregated_events(store.con, Filters(since="2017-12-25"))
    assert total == 1
    rows, _ = query_aggregated_events(store.con, Filters(limit=1))
    assert rows[0]["num_mentions"] == 4  # most mentioned first


def test_gdelt_export_has_one_row_per_aggregated_event(store: Store, tmp_path: Path) -> None:
    from eventwire.export.gdelt import GDELT_HEADER, export_gdelt

    out = tmp_path / "events.tsv"
    assert export_gdelt(store, out) == 5
    column = {name: i for i, name in enumerate(GDELT_HEADER)}
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    counts = sorted((r[column["NumMentions"]], r[column["NumSources"]], r[column["NumArticles"]],
                     r[column["SOURCEURL"]]) for r in rows)
    assert counts == [("1", "1", "1", ""), ("1", "1", "1", "https://ap.example/a6"),
                      ("1", "1", "1", "https://ap.example/a6"), ("1", "1", "1", "https://reuters.example/a5"),
                      ("4", "3", "4", "https://reuters.example/a1")]
