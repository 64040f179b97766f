"""Doubtful events (confidence below the contract's threshold) stay in the record but not in default views.

A crime report with no political actor is coded, but as doubtful: the events listing, the API, the dyad and
aggregate tables and the event exports leave it out unless asked (``--min-confidence 0``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from eventwire import Article, Pipeline
from eventwire.export import export_csv, export_plover
from eventwire.model import DOUBTFUL_CONFIDENCE
from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from eventwire.store.query import Filters, query_aggregated_events, query_events

pytestmark = pytest.mark.slow

CRIME = "Robbers shot dead a shopkeeper in Lagos on Monday, police said."
POLITICAL = "Nigerian soldiers shot dead three protesters in Lagos on Monday, witnesses said."


@pytest.fixture(scope="module")
def store_path(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Path:
    crime = pipeline(Article(id="crime", text=CRIME, published="2024-03-04"))
    political = pipeline(Article(id="political", text=POLITICAL, published="2024-03-04"))
    assert crime.events and all(e.confidence < DOUBTFUL_CONFIDENCE for e in crime.events)
    assert any(e.event == "ASSAULT" and e.confidence >= DOUBTFUL_CONFIDENCE for e in political.events)
    path = tmp_path_factory.mktemp("doubtful") / "events.duckdb"
    with Store(path) as store:
        store.write_batch([crime, political], [])
        refresh_derived(store.con)
    return path


def test_default_event_query_hides_doubtful_events(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        shown, total = query_events(store.con, Filters())
        every, every_total = query_events(store.con, Filters(min_confidence=0))
    assert {row["article_id"] for row in shown} == {"political"}
    assert total == len(shown)
    assert {row["article_id"] for row in every} == {"crime", "political"}
    assert every_total > total


def test_aggregates_are_made_of_confident_events_only(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        rows, _ = query_aggregated_events(store.con, Filters(min_confidence=0))
    assert rows
    assert all(m["article_id"] == "political" for row in rows for m in row["mentions"])


def test_event_exports_leave_doubtful_events_out(store_path: Path, tmp_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        export_csv(store, tmp_path / "events.csv")
        export_plover(store, tmp_path / "events.jsonl")
    with (tmp_path / "events.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {row["article_id"] for row in rows} == {"political"}
    plover = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert plover and all("crime" not in json.dumps(record) for record in plover)


def test_cli_shows_doubtful_events_only_when_asked(store_path: Path) -> None:
    from typer.testing import CliRunner

    from eventwire.cli import app

    runner = CliRunner()
    default = runner.invoke(app, ["events", "--db", str(store_path), "--format", "json"])
    everything = runner.invoke(app, ["events", "--db", str(store_path), "--format", "json", "--min-confidence", "0"])
    assert default.exit_code == 0 and everything.exit_code == 0
    default_ids = {json.loads(line)["article_id"] for line in default.stdout.splitlines() if line.startswith("{")}
    all_ids = {json.loads(line)["article_id"] for line in everything.stdout.splitlines() if line.startswith("{")}
    assert default_ids == {"political"}
    assert all_ids == {"crime", "political"}
