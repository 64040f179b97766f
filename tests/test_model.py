"""The data model: contract-shaped JSON out, the same objects back in, contract violations refused."""

from __future__ import annotations

import json

import pytest

from eventwire.errors import ContractError
from eventwire.model import Actor, Article, Event, Failure, Party, Place, Quote, Span

TEXT = "US Defense Secretary Jim Mattis met Iraqi Prime Minister Haider al-Abadi in Baghdad on Tuesday."

CONTRACT_KEYS = {
    "article": ["id", "title", "url", "outlet", "published", "language", "text", "actors", "quotes", "events",
                "places", "warnings"],
    "actor": ["id", "name", "kind", "country", "sector", "role", "kb_id", "anonymous", "mentions", "confidence"],
    "quote": ["id", "kind", "text", "start", "end", "speaker", "speaker_text", "cue", "channel", "anonymous",
              "confidence", "parts"],
    "event": ["id", "event", "mode", "cameo", "quad", "goldstein", "actor", "recipient", "trigger", "sentence",
              "date", "date_text", "location", "negated", "hypothetical", "reported_by", "confidence", "magnitudes"],
    "party": ["actor", "text", "code", "sector"],
    "place": ["name", "start", "end", "country", "admin1", "lat", "lon", "geonameid", "inherited"],
}


def span(text: str, start: int = 0) -> Span:
    start = TEXT.index(text, start)
    return Span(start, start + len(text), text)


def full_article() -> Article:
    baghdad = Place("Baghdad", TEXT.index("Baghdad"), TEXT.index("Baghdad") + 7, "IRQ", "Baghdad", 33.34, 44.4,
                    98182)
    mattis = Actor("a1", "Jim Mattis", "person", "USA", "MIL", "US Defense Secretary", "Q123", False,
                   [span("Jim Mattis")], 0.9)
    abadi = Actor("a2", "Haider al-Abadi", "person", "IRQ", "GOV", "Prime Minister", None, False,
                  [span("Haider al-Abadi")], 0.8)
    quote = Quote("q1", "indirect", "no decision had been made", 0, 10, "a1", "Jim Mattis", "said", "told AFP",
                  True, 0.7)
    event = Event("e1", "CONSULT", span("met"), (0, len(TEXT)), "visit", "040", 1, 1.0,
                  [Party("a1", "Jim Mattis", "USA", "MIL")], [Party("a2", "Haider al-Abadi", "IRQ", "GOV")],
                  "2017-12-19", "on Tuesday", baghdad, False, True, "q1", 0.6)
    return Article("art1", TEXT, "Mattis in Baghdad", "https://x.example/a", "Wire", "2017-12-20", "en",
                   [mattis, abadi], [quote], [event], [baghdad], ["a warning"], source="file.txt")


def test_json_round_trip_is_exact() -> None:
    article = full_article()
    line = article.to_json()
    back = Article.from_json(line)
    assert back == article
    assert back.to_json() == line
    assert json.loads(line)["actors"][0]["mentions"] == [{"start": 21, "end": 31, "text": "Jim Mattis"}]


def test_field_names_and_order_follow_the_contract() -> None:
    data = full_article().to_dict()
    assert list(data) == CONTRACT_KEYS["article"]
    assert list(data["actors"][0]) == CONTRACT_KEYS["actor"]
    assert list(data["quotes"][0]) == CONTRACT_KEYS["quote"]
    assert list(data["events"][0]) == CONTRACT_KEYS["event"]
    assert list(data["events"][0]["actor"][0]) == CONTRACT_KEYS["party"]
    assert list(data["events"][0]["location"]) == CONTRACT_KEYS["place"]
    assert data["events"][0]["sentence"] == {"start": 0, "end": len(TEXT)}
    assert data["events"][0]["trigger"] == {"start": TEXT.index("met"), "end": TEXT.index("met") + 3, "text": "met"}
    # "source" is where the article came from, not part of the contract.
    assert "source" not in data


def test_offsets_slice_the_text() -> None:
    article = full_article()
    for actor in article.actors:
        for mention in actor.mentions:
            assert article.text[mention.start:mention.end] == mention.text


def test_minimal_article_gets_defaults() -> None:
    article = Article.from_dict({"id": "x", "text": "Some text."})
    assert article.actors == [] and article.title is None and article.warnings == []
    assert Article.from_dict(article.to_dict()) == article


@pytest.mark.parametrize(("data", "message"), [
    ({"text": "t"}, "no 'id' field"),
    ({"id": "x"}, "no 'text' field"),
    ({"id": "x", "text": 5}, "'text' must be a string"),
    ({"id": "x", "text": "t", "actors": [{"id": "a", "name": "n", "kind": "alien"}]}, "actor kind 'alien'"),
    ({"id": "x", "text": "t", "quotes": [{"id": "q", "kind": "rumour", "text": "t", "start": 0, "end": 1}]},
     "quote kind 'rumour'"),
    ({"id": "x", "text": "t", "events": [{"id": "e", "event": "DANCE", "trigger": {}, "sentence": {}}]},
     "'DANCE' is not a PLOVER type"),
    ({"id": "x", "text": "t", "quotes": [{"kind": "direct", "text": "t", "start": 0, "end": 1}]}, "no 'id' field"),
])
def test_contract_violations_are_refused(data: dict, message: str) -> None:
    with pytest.raises(ContractError, match=message):
        Article.from_dict(data)


def test_from_json_rejects_bad_json() -> None:
    with pytest.raises(ContractError, match="not valid JSON"):
        Article.from_json("{not json")
    with pytest.raises(ContractError, match="JSON object"):
        Article.from_json("[1, 2]")


def test_actor_lookup_helpers() -> None:
    article = full_article()
    assert article.actor_by_id("a2").name == "Haider al-Abadi"  # type: ignore[union-attr]
    assert article.actor_by_id("zzz") is None and article.actor_by_id(None) is None
    start = TEXT.index("Mattis")
    assert article.actor_at(start, start + 6).id == "a1"  # type: ignore[union-attr]
    assert article.actor_at(0, 2) is None


def test_failure_dict() -> None:
    assert Failure("f.txt", "empty").to_dict() == {"name": "f.txt", "reason": "empty"}
