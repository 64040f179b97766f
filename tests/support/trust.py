"""Hand-built articles for the trust tests (issue 14): look-alike actor codes and names, a symmetric event.

The text is invented for these tests; each event is written by hand with its parties, so the tests do not
depend on the extraction stages (which other people change at the same time).
"""

from __future__ import annotations

from pathlib import Path

from eventwire.model import Actor, Article, Party, Place, Quote
from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from support.web import make_event, span

LOOKALIKE_TEXT = (
    "Russia shelled Ukraine. Australia criticised Russia. US forces struck the depot. "
    "Washington consulted Canberra. James Jeffrey met Sam Jeffreys. "
    "\"We are ready,\" Jeffrey said. \"Not yet,\" Jeffreys said."
)


def _actor(text: str, aid: str, name: str, mention: str, country: str | None, sector: str | None,
           kb_id: str | None = None, kind: str = "country", nth: int = 0) -> Actor:
    return Actor(aid, name, kind, country, sector, None, kb_id, False, [span(text, mention, nth)], 0.8)


def lookalike_article() -> Article:
    """Codes that contain each other (US, USA, RUS, AUS, USAGOV) and names that do (Jeffrey, Jeffreys)."""
    text = LOOKALIKE_TEXT
    actors = [
        _actor(text, "a1", "Russia", "Russia", "RUS", "GOV", "country:RUS"),
        _actor(text, "a2", "Ukraine", "Ukraine", "UKR", "GOV", "country:UKR"),
        _actor(text, "a3", "Australia", "Australia", "AUS", "GOV", "country:AUS"),
        _actor(text, "a4", "US forces", "US forces", "USA", "MIL", None, "group"),
        _actor(text, "a5", "United States", "Washington", "USA", "GOV", "country:USA"),
        _actor(text, "a6", "James Jeffrey", "James Jeffrey", "USA", "GOV", "kb:james-jeffrey", "person"),
        _actor(text, "a7", "Sam Jeffreys", "Sam Jeffreys", "GBR", None, None, "person"),
    ]

    def party(actor_id: str, mention: str, nth: int = 0) -> Party:
        actor = next(a for a in actors if a.id == actor_id)
        return Party(actor_id, span(text, mention, nth).text, actor.country, actor.sector)

    events = [
        make_event(text, "e1", "ASSAULT", span(text, "shelled"), [party("a1", "Russia")], [party("a2", "Ukraine")],
                   4, -10.0, "2022-03-01", cameo="195"),
        make_event(text, "e2", "ACCUSE", span(text, "criticised"), [party("a3", "Australia")],
                   [party("a1", "Russia", 1)], 3, -2.0, "2022-03-01", cameo="111"),
        make_event(text, "e3", "ASSAULT", span(text, "struck"), [party("a4", "US forces")],
                   [Party(None, "the depot", None, None)], 4, -10.0, "2022-03-01", cameo="190"),
        make_event(text, "e4", "CONSULT", span(text, "consulted"), [party("a5", "Washington")],
                   [Party(None, "Canberra", "AUS", "GOV")], 1, 1.0, "2022-03-01", cameo="040"),
        make_event(text, "e5", "CONSULT", span(text, "met"), [party("a6", "James Jeffrey")],
                   [party("a7", "Sam Jeffreys")], 1, 1.0, "2022-03-01", cameo="040"),
    ]
    ready, not_yet = span(text, "We are ready,"), span(text, "Not yet,")
    quotes = [
        Quote("q1", "direct", ready.text, ready.start, ready.end, "a6", "Jeffrey", "said", None, False, 0.9),
        Quote("q2", "direct", not_yet.text, not_yet.start, not_yet.end, "a7", "Jeffreys", "said", None, False, 0.9),
    ]
    return Article("lookalike", text, "Look-alike actors", "https://example.org/lookalike", "Test Wire",
                   "2022-03-02", "en", actors, quotes, events)


SYMMETRIC_TEXT = ("BAGHDAD — Washington and Baghdad are negotiating the future of US forces in Iraq. "
                  "Protesters and students marched in Basra.")


def symmetric_article() -> Article:
    """A symmetric CONSULT (both governments as actor, no recipient), located in a country, and a protest by
    two groups (two actors, no recipient, not a symmetric predicate)."""
    text = SYMMETRIC_TEXT
    usa = _actor(text, "a1", "United States", "Washington", "USA", "GOV", "country:USA")
    irq = _actor(text, "a2", "Iraq", "Baghdad", "IRQ", "GOV", "country:IRQ")
    protesters = _actor(text, "a3", "Protesters", "Protesters", "IRQ", "CVL", None, "group")
    students = _actor(text, "a4", "students", "students", "IRQ", "EDU", None, "group")
    iraq = Place("Iraq", text.index("Iraq"), text.index("Iraq") + 4, "IRQ", None, 33.0, 44.0, 99237)
    basra = Place("Basrah", text.index("Basra"), text.index("Basra") + 5, "IRQ", "Basra", 30.50852, 47.7804, 99532)
    events = [
        make_event(text, "e1", "CONSULT", span(text, "negotiating"),
                   [Party("a1", "Washington", "USA", "GOV"), Party("a2", "Baghdad", "IRQ", "GOV")], [],
                   1, 1.0, "2017-12-20", cameo="040", location=iraq),
        make_event(text, "e2", "PROTEST", span(text, "marched"),
                   [Party("a3", "Protesters", "IRQ", "CVL"), Party("a4", "students", "IRQ", "EDU")], [],
                   3, -6.5, "2017-12-20", cameo="141", location=basra),
    ]
    return Article("symmetric", text, "Talks", "https://example.org/talks", "Test Wire", "2017-12-20", "en",
                   [usa, irq, protesters, students], [], events, places=[iraq, basra])


def build_trust_db(path: Path, articles: list[Article] | None = None) -> list[Article]:
    """A DuckDB file holding the trust articles, with its derived tables (aggregated events) computed."""
    articles = articles if articles is not None else [lookalike_article(), symmetric_article()]
    with Store(path) as store:
        assert store.write_batch(articles) == len(articles)
        refresh_derived(store.con)
    return articles
