"""Event locations keep whether they were inherited, in DuckDB and in Parquet datasets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from eventwire.model import Article, Event, Place, Span
from eventwire.store import Store
from eventwire.store.records import batch_tables


def make_article(n: int, inherited: bool = False) -> Article:
    text = "Gunmen attacked a checkpoint in Mosul. Two soldiers were wounded there."
    mosul = text.index("Mosul")
    place = Place("Mosul", mosul, mosul + 5, "IRQ", lat=36.34, lon=43.13, geonameid=99072)
    trigger = text.index("wounded")
    event = Event("e1", "ASSAULT", Span(trigger, trigger + 7, "wounded"), (text.index("Two"), len(text)),
                  cameo="190", quad=4, goldstein=-10.0, location=replace(place, inherited=inherited))
    return Article(f"art{n}", text, f"Title {n}", None, "Wire", "2024-05-01", "en", [], [], [event], [place])


def _with_inherited_location(n: int) -> Article:
    return make_article(n, inherited=True)


def test_duckdb_keeps_inherited_flag_of_event_locations(tmp_path: Path) -> None:
    inherited, own = _with_inherited_location(1), make_article(2)
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.write_batch([inherited, own], [])
        assert store.article("art1") == inherited
        assert store.article("art1").events[0].location.inherited is True
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("SELECT article_id, location.inherited FROM events ORDER BY article_id").fetchall()
    assert rows == [("art1", True), ("art2", False)]
    assert con.execute("SELECT DISTINCT inherited FROM places").fetchall() == [(False,)]


def test_parquet_tables_carry_inherited_flag(tmp_path: Path) -> None:
    tables = batch_tables([_with_inherited_location(3)])
    path = tmp_path / "events.parquet"
    pq.write_table(tables["events"], path)
    locations = pq.read_table(path).column("location").to_pylist()
    assert [loc["inherited"] for loc in locations] == [True]
