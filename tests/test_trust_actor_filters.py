"""Actor filters match codes exactly, names by whole words, or an actor id; the same rule in the CLI, the API
and the dyad pages (issue 14, item 2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eventwire.store import Store
from eventwire.store.query import (
    Filters,
    dyad_events,
    query_actors,
    query_aggregated_events,
    query_events,
    query_quotes,
)
from support.cli import run
from support.trust import build_trust_db
from support.web import live_server


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("actors") / "trust.duckdb"
    build_trust_db(path)
    return path


def _event_ids(db: Path, **filters: str) -> set[str]:
    with Store(db, read_only=True) as store:
        rows, total = query_events(store.con, Filters(article="lookalike", **filters))
    assert total == len(rows)
    return {row["id"] for row in rows}


# value given to --actor -> the events whose source it must select (and no others)
SOURCES = {
    "US": {"e3"},  # a name word ("US forces"); never RUS, AUS or USA by substring
    "us": {"e3"},
    "USA": {"e3", "e4", "e5"},  # the country code, whatever the sector
    "usa": {"e3", "e4", "e5"},
    "USAGOV": {"e4", "e5"},  # country + sector
    "USAMIL": {"e3"},
    "RUS": {"e1"},
    "AUS": {"e2"},
    "Russia": {"e1"},  # a name
    "Russ": set(),  # not a whole word
    "Jeffrey": {"e5"},  # James Jeffrey, not Sam Jeffreys
    "james  JEFFREY": {"e5"},  # words of a name, any case and spacing
    "Jeffreys": set(),  # Sam Jeffreys is the recipient of e5, not a source
    "kb:james-jeffrey": {"e5"},  # an actor id (the cross-article key)
    "forces": {"e3"},
    "S": set(),
    "U.S.": set(),
}


@pytest.mark.parametrize(("value", "expected"), sorted(SOURCES.items()))
def test_actor_filter_rule(db: Path, value: str, expected: set[str]) -> None:
    assert _event_ids(db, actor=value) == expected


def test_recipient_filter_uses_the_same_rule(db: Path) -> None:
    assert _event_ids(db, recipient="Jeffreys") == {"e5"}
    assert _event_ids(db, recipient="Jeffrey") == set()
    assert _event_ids(db, recipient="RUS") == {"e2"}
    assert _event_ids(db, recipient="AUS") == {"e4"}  # a party with a code and no resolved actor
    assert _event_ids(db, recipient="US") == set()


def test_quotes_actors_dyads_and_aggregates_use_the_same_rule(db: Path) -> None:
    with Store(db, read_only=True) as store:
        con = store.con
        speakers = {q["speaker_name"] for q in query_quotes(con, Filters(actor="Jeffrey"))[0]}
        assert speakers == {"James Jeffrey"}
        assert {q["speaker_name"] for q in query_quotes(con, Filters(actor="kb:james-jeffrey"))[0]} == \
            {"James Jeffrey"}
        assert {q["speaker_name"] for q in query_quotes(con, Filters(actor="GBR"))[0]} == {"Sam Jeffreys"}
        assert {a["name"] for a in query_actors(con, Filters(actor="US"))[0]} == {"US forces"}
        assert {a["name"] for a in query_actors(con, Filters(actor="USA"))[0]} == \
            {"US forces", "United States", "James Jeffrey"}
        assert {a["name"] for a in query_actors(con, Filters(actor="Jeffrey"))[0]} == {"James Jeffrey"}
        # Australia criticised Russia: not a US-Russia dyad, though "australia" contains "us" and "russia" "rus".
        assert dyad_events(con, "US", "RUS", Filters())[1] == 0
        assert {e["id"] for e in dyad_events(con, "AUS", "RUS", Filters())[0]} == {"e2"}
        assert {e["id"] for e in dyad_events(con, "USA", "AUS", Filters())[0]} == {"e4"}
        assert {e["id"] for e in dyad_events(con, "Jeffreys", "USAGOV", Filters())[0]} == {"e5"}
        aggregated = query_aggregated_events(con, Filters(actor="US"))[0]
        assert [a["event"] for a in aggregated] == ["ASSAULT"] and aggregated[0]["actor"][0]["text"] == "US forces"
        assert query_aggregated_events(con, Filters(actor="kb:james-jeffrey"))[1] == 1
        assert query_aggregated_events(con, Filters(recipient="Jeffrey"))[1] == 0


def test_cli_applies_the_rule(db: Path) -> None:
    result = run("events", "--db", str(db), "--actor", "US", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["e3"]
    result = run("quotes", "--db", str(db), "--actor", "Jeffrey", "--format", "json")
    assert [json.loads(line)["speaker_name"] for line in result.stdout.splitlines()] == ["James Jeffrey"]
    result = run("actors", "--db", str(db), "--actor", "US", "--format", "json")
    assert [json.loads(line)["name"] for line in result.stdout.splitlines()] == ["US forces"]


@pytest.fixture(scope="module")
def client(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    served = tmp_path_factory.mktemp("served") / "served.duckdb"
    served.write_bytes(db.read_bytes())
    with live_server(served) as live, live.client() as http:
        yield http


def test_api_and_pages_apply_the_rule(client: httpx.Client) -> None:
    events = client.get("/api/events", params={"actor": "US"}).json()
    assert [e["id"] for e in events["items"]] == ["e3"]
    assert client.get("/api/events", params={"recipient": "Jeffrey"}).json()["total"] == 0
    assert client.get("/api/aggregated-events", params={"actor": "US"}).json()["total"] == 1
    assert [q["speaker_name"] for q in client.get("/api/quotes", params={"actor": "Jeffrey"}).json()["items"]] == \
        ["James Jeffrey"]
    assert [a["name"] for a in client.get("/api/actors", params={"q": "US"}).json()["items"]] == ["US forces"]
    timeline = client.get("/api/dyads/US/RUS/timeline").json()
    assert sum(p["events"] for p in timeline["periods"]) == 0
    page = client.get("/dyads/US/RUS")
    assert page.status_code == 200 and "criticised" not in page.text
    page = client.get("/dyads/AUS/RUS")
    assert page.status_code == 200 and "criticised" in page.text
    page = client.get("/events", params={"actor": "US"})
    assert page.status_code == 200 and "struck" in page.text and "shelled" not in page.text
