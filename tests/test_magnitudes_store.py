"""Magnitudes through the store, aggregation, exports, the CLI and the HTTP API (real DuckDB file, real
``eventwire`` processes, a live server on 127.0.0.1). The articles are written by hand for these tests."""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eventwire.export import EXPORTERS
from eventwire.export.gdelt import GDELT_HEADER
from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from eventwire.store.query import Filters, dyad_timeline, query_aggregated_events, query_events
from support.magnitudes import ARTICLES
from support.web import LiveServer, eventwire_command, live_server


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("magnitudes") / "m.duckdb"
    with Store(path) as store:
        assert store.write_batch(ARTICLES) == len(ARTICLES)
        refresh_derived(store.con)
    return path


def test_event_rows_carry_magnitudes_and_figure_columns(db: Path) -> None:
    with Store(db, read_only=True) as store:
        rows = dict(store.con.execute("SELECT article_id, struct_pack(k := killed, i := injured, a := arrested) "
                                      "FROM events").fetchall())
        [magnitudes] = store.con.execute("SELECT magnitudes FROM events WHERE article_id = 'raid-b'").fetchone()
        assert store.article("raid-b") == ARTICLES[1]
    assert rows == {"raid-a": {"k": 14, "i": 9, "a": None}, "raid-b": {"k": 20, "i": 9, "a": None},
                    "raid-c": {"k": 16, "i": None, "a": None}, "minsk": {"k": None, "i": None, "a": 40},
                    "talks": {"k": None, "i": None, "a": None}}
    assert magnitudes[0] == {"kind": "killed", "value": 20, "at_least": True,
                             "text": {"start": ARTICLES[1].text.index("at least"),
                                      "end": ARTICLES[1].text.index(" and wounding"), "text": "at least 20 people"}}


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(min_killed=5), {"raid-a", "raid-b", "raid-c"}),
    (Filters(min_killed=15), {"raid-b", "raid-c"}),
    (Filters(min_killed=21), set()),
    (Filters(min_injured=9), {"raid-a", "raid-b"}),
    (Filters(min_arrested=1), {"minsk"}),
    (Filters(min_killed=0, type="ASSAULT", since="2024-03-02"), {"raid-c"}),
])
def test_store_filters_on_figures(db: Path, filters: Filters, expected: set[str]) -> None:
    with Store(db, read_only=True) as store:
        rows, total = query_events(store.con, filters)
    assert {r["article_id"] for r in rows} == expected and total == len(expected)


def test_aggregated_event_has_median_max_and_reports(db: Path) -> None:
    with Store(db, read_only=True) as store:
        rows, _ = query_aggregated_events(store.con, Filters(type="ASSAULT"))
        strong, _ = query_aggregated_events(store.con, Filters(min_killed=20))
        none, _ = query_aggregated_events(store.con, Filters(min_killed=21))
    [aggregate] = rows
    assert aggregate["num_mentions"] == 3
    assert aggregate["killed"] == 20 and aggregate["injured"] == 9 and aggregate["arrested"] is None
    assert aggregate["magnitudes"] == [
        {"kind": "killed", "median": 16.0, "max": 20, "reports": 3},
        {"kind": "injured", "median": 9.0, "max": 9, "reports": 2},
    ]
    assert [r["id"] for r in strong] == [aggregate["id"]] and none == []


def test_dyad_timeline_counts_fatalities(db: Path) -> None:
    with Store(db, read_only=True) as store:
        periods = dyad_timeline(store.con, "NGAUAF", "NGACVL", "day", Filters(negated=False, hypothetical=False))
    assert [(p["period"], p["events"], p["killed"]) for p in periods] == [("2024-03-01", 2, 34), ("2024-03-02", 1, 16)]


def test_exports_carry_the_figures(db: Path, tmp_path: Path) -> None:
    with Store(db, read_only=True) as store:
        EXPORTERS["csv"](store, tmp_path / "e.csv")
        EXPORTERS["plover"](store, tmp_path / "e.jsonl")
        EXPORTERS["gdelt-magnitudes"](store, tmp_path / "g.tsv")
        EXPORTERS["gdelt"](store, tmp_path / "plain.tsv")
    with (tmp_path / "e.csv").open(encoding="utf-8") as handle:
        rows = {r["article_id"]: r for r in csv.DictReader(handle)}
    assert (rows["raid-b"]["killed"], rows["raid-b"]["injured"], rows["raid-b"]["arrested"]) == ("20", "9", "")
    assert rows["minsk"]["arrested"] == "40"
    plover = {r["articleId"]: r for r in map(json.loads, (tmp_path / "e.jsonl").read_text().splitlines())}
    assert plover["raid-a"]["size"] == {"dead": 14, "injured": 9}
    assert plover["minsk"]["size"] == {"arrested": 40}
    assert plover["talks"]["size"] is None and plover["talks"]["magnitudes"] == []
    assert plover["raid-b"]["magnitudes"][0]["at_least"] is True
    gdelt = [line.split("\t") for line in (tmp_path / "g.tsv").read_text().splitlines()]
    assert all(len(row) == len(GDELT_HEADER) + 3 for row in gdelt)
    url = GDELT_HEADER.index("SOURCEURL")
    by_url = {row[url]: row[-3:] for row in gdelt}
    # One row per aggregated event: the raid's three reports give their largest figures.
    assert by_url["https://example.org/raid-a"] == ["20", "9", ""]
    assert by_url["https://example.org/minsk"] == ["", "", "40"]
    assert by_url["https://example.org/talks"] == ["", "", ""]
    plain = [line.split("\t") for line in (tmp_path / "plain.tsv").read_text().splitlines()]
    assert all(len(row) == len(GDELT_HEADER) for row in plain)


def test_cli_min_killed(db: Path) -> None:
    result = subprocess.run([*eventwire_command(), "events", "--db", str(db), "--min-killed", "15", "--format",
                             "json"], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["article_id"] for r in rows) == ["raid-b", "raid-c"]
    assert {r["article_id"]: r["killed"] for r in rows} == {"raid-b": 20, "raid-c": 16}
    table = subprocess.run([*eventwire_command(), "events", "--db", str(db), "--min-arrested", "1"],
                           capture_output=True, text=True, timeout=120, check=False)
    assert table.returncode == 0 and "arrested 40" in table.stdout
    bad = subprocess.run([*eventwire_command(), "events", "--db", str(db), "--min-killed", "-1"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[LiveServer]:
    with live_server(db) as live:
        yield live  # `client`, on this server, comes from conftest.py


def test_api_min_killed(client: httpx.Client) -> None:
    page = client.get("/api/events", params={"min_killed": 15}).json()
    assert page["total"] == 2
    assert sorted(e["article_id"] for e in page["items"]) == ["raid-b", "raid-c"]
    assert all(e["magnitudes"] and e["killed"] >= 15 for e in page["items"])
    assert client.get("/api/events", params={"min_arrested": 41}).json()["total"] == 0
    assert client.get("/api/events", params={"min_killed": -1}).status_code == 422
    aggregated = client.get("/api/aggregated-events", params={"min_killed": 20}).json()
    assert aggregated["total"] == 1 and aggregated["items"][0]["magnitudes"][0]["median"] == 16.0
    csv_text = client.get("/api/events", params={"min_killed": 15, "format": "csv"}).text
    header, *lines = list(csv.reader(csv_text.splitlines()))
    assert header[-3:] == ["killed", "injured", "arrested"] and sorted(line[-3] for line in lines) == ["16", "20"]


def test_pages_show_magnitudes(client: httpx.Client) -> None:
    article = client.get("/articles/raid-b").text
    assert 'class="hl hl-magnitude"' in article and ">at least 20 people</span>" in article
    assert "killed 20+" in article  # the events table and the record of the event
    events = client.get("/events", params={"min_killed": 15}).text
    assert "killed 16" in events and "killed 20+" in events and "arrested 40" not in events
    weighted = client.get("/dyads/NGAUAF/NGACVL", params={"weight": "killed", "interval": "day"}).text
    assert "People reported killed" in weighted and '"weight": "killed"' in weighted
