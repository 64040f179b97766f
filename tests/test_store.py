"""The DuckDB store on real files: batches, idempotent writes, schema checks, queries, re-ingest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from eventwire.cli import sample_corpus_dir
from eventwire.errors import SchemaVersionError, StoreError, StoreLockedError
from eventwire.ingest import read_inputs
from eventwire.jobs import ingest_items
from eventwire.model import Actor, Article, Event, Failure, Party, Place, Quote, Span
from eventwire.pipeline import Pipeline
from eventwire.store import Store
from eventwire.store.query import FilterError, Filters, query_actors, query_events, query_quotes
from eventwire.store.records import RECORD_TABLES, SCHEMA_VERSION


def make_article(n: int, event_type: str = "CONSULT", date: str | None = "2019-03-05",
                 outlet: str = "Gulf Wire", anonymous: bool = False) -> Article:
    text = f"Story {n}: Washington and Baghdad held talks, a US official said. The talks were useful."
    w, b = text.index("Washington"), text.index("Baghdad")
    usa = Actor("a1", "United States", "country", "USA", "GOV", mentions=[Span(w, w + 10, "Washington")])
    irq = Actor("a2", "Iraq", "country", "IRQ", "GOV", mentions=[Span(b, b + 7, "Baghdad")])
    official = Actor("a3", "US official", "person", "USA", "GOV", anonymous=True,
                     mentions=[Span(text.index("a US official"), text.index("a US official") + 13, "a US official")])
    trigger = text.index("held")
    sentence_end = text.index(".") + 1
    event = Event(f"e{n}", event_type, Span(trigger, trigger + 4, "held"), (0, sentence_end), cameo="040", quad=1,
                  goldstein=1.0, actor=[Party("a1", "Washington", "USA", "GOV")],
                  recipient=[Party("a2", "Baghdad", "IRQ", "GOV")], date=date, date_text="on Tuesday",
                  location=Place("Baghdad", b, b + 7, "IRQ", lat=33.3, lon=44.4, geonameid=98182))
    quote = Quote("q1", "indirect", "Washington and Baghdad held talks", 0, 40, "a3", "a US official", "said",
                  anonymous=anonymous)
    return Article(f"art{n}", text, f"Title {n}", f"https://x.example/{n}", outlet, "2019-03-06", "en",
                   [usa, irq, official], [quote], [event], [Place("Baghdad", b, b + 7, "IRQ")], source=f"f{n}.txt")


def test_write_batch_stores_every_table_and_reads_back(tmp_path: Path) -> None:
    articles = [make_article(n) for n in range(3)]
    with Store(tmp_path / "s.duckdb") as store:
        assert store.write_batch(articles, [Failure("bad.txt", "empty document")]) == 3
        counts = store.counts()
        assert counts == {"articles": 3, "actors": 9, "mentions": 9, "quotes": 3, "events": 3, "places": 3,
                          "failures": 1}
        assert store.article("art1") == articles[1]
        assert store.article("nope") is None
        assert [a.id for a in store.iter_articles(batch_size=2)] == ["art0", "art1", "art2"]
        assert store.known_ids(["art0", "art9", "art0"]) == {"art0"}
        assert store.known_ids([]) == set()
        [failure] = store.failures()
        assert failure["name"] == "bad.txt" and failure["reason"] == "empty document" and failure["failed_at"]
        row = store.con.execute("SELECT event_day, actor_codes, recipient_names, sentence_text FROM events "
                                "WHERE id = 'e1'").fetchone()
        assert str(row[0]) == "2019-03-05" and row[1] == ["USA"] and row[2] == ["Iraq"]
        assert row[3] == articles[1].text[: articles[1].text.index(".") + 1]


def test_writes_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        assert store.write_batch([make_article(1), make_article(1)]) == 1
        assert store.write_batch([make_article(1), make_article(2)], [Failure("bad.txt", "first")]) == 1
        assert store.write_batch([], [Failure("bad.txt", "second")]) == 0
        counts = store.counts()
    with Store(path) as store:
        assert store.counts() == counts
        assert counts["articles"] == 2 and counts["events"] == 2 and counts["failures"] == 1
        assert store.failures()[0]["reason"] == "second"


def test_a_document_that_reads_cleanly_later_is_no_longer_a_failure(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write_batch([], [Failure("f1.txt", "empty document"), Failure("other.txt", "binary data")])
        assert store.write_batch([make_article(1)]) == 1  # make_article(1) comes from f1.txt
        assert [f["name"] for f in store.failures()] == ["other.txt"]


def test_an_article_that_does_not_fit_the_schema_costs_only_itself(tmp_path: Path) -> None:
    broken = make_article(2)
    broken.outlet = -3503435  # type: ignore[assignment]  # what a careless library caller could pass
    with Store(tmp_path / "s.duckdb") as store:
        assert store.write_batch([make_article(1), broken, make_article(3)]) == 2
        assert store.known_ids(["art1", "art2", "art3"]) == {"art1", "art3"}
        [failure] = store.failures()
        assert failure["name"] == "f2.txt" and failure["reason"].startswith("cannot store the article's records")


def test_schema_version_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaVersionError, match="schema version 0"):
        Store(path)


def test_missing_database_read_only_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "text.duckdb"
    path.write_text("hello, I am not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


def test_database_held_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match="in use by another process"):
            Store(path)
    finally:
        holder.communicate("")


def test_queries_filter_by_actor_type_date_outlet(tmp_path: Path) -> None:
    articles = [make_article(1), make_article(2, "ACCUSE", "2021-07", outlet="Levant Post", anonymous=True),
                make_article(3, "CONSULT", None)]
    with Store(tmp_path / "q.duckdb") as store:
        store.write_batch(articles)
        con = store.con

        def event_ids(**filters: object) -> list[str]:
            return sorted(row["id"] for row in query_events(con, Filters(**filters))[0])  # type: ignore[arg-type]

        assert event_ids() == ["e1", "e2", "e3"]
        assert event_ids(type="accuse") == ["e2"]
        assert event_ids(actor="USA") == ["e1", "e2", "e3"]
        assert event_ids(actor="USAGOV", recipient="iraq") == ["e1", "e2", "e3"]
        assert event_ids(recipient="USA") == []
        assert event_ids(since="2020") == ["e2"]
        # An undated event falls back to its article's publication day.
        assert event_ids(until="2019-03-05") == ["e1"]
        assert event_ids(until="2019-03-06") == ["e1", "e3"]
        assert event_ids(outlet="levant") == ["e2"]
        assert event_ids(search="useful") == []
        rows, total = query_events(con, Filters(limit=1))
        assert len(rows) == 1 and total == 3
        assert rows[0]["id"] == "e2"  # newest first
        with pytest.raises(FilterError, match=r"^since 'last year' is not a date") as refused:
            query_events(con, Filters(since="last year"))
        assert refused.value.cli_message.startswith("--since 'last year' is not a date")

        quotes, total = query_quotes(con, Filters(anonymous=True))
        assert total == 1 and quotes[0]["article_id"] == "art2" and quotes[0]["speaker_name"] == "US official"
        assert query_quotes(con, Filters(actor="official"))[1] == 3

        actors, total = query_actors(con, Filters())
        by_name = {a["name"]: a for a in actors}
        assert total == 3
        assert by_name["United States"]["articles"] == 3 and by_name["United States"]["mentions"] == 3
        assert query_actors(con, Filters(actor="IRQ"))[1] == 1


def test_hostile_filter_values_are_only_data(tmp_path: Path) -> None:
    with Store(tmp_path / "q.duckdb") as store:
        store.write_batch([make_article(1)])
        for value in ("'; DROP TABLE events; --", "%", "_", "\\"):
            query_events(store.con, Filters(actor=value, outlet=value, search=value))
            query_quotes(store.con, Filters(actor=value, outlet=value))
            query_actors(store.con, Filters(actor=value))
        assert store.counts()["events"] == 1


def test_reingesting_the_sample_corpus_is_a_no_op(tmp_path: Path, pipeline: Pipeline) -> None:
    corpus = str(sample_corpus_dir())
    path = tmp_path / "sample.duckdb"
    with Store(path) as store:
        first = ingest_items(read_inputs([corpus]), store, pipeline=pipeline, write_batch_size=5)
        counts = store.counts()
    assert first.stored == first.read == counts["articles"] >= 15
    assert first.failed == 0 and first.skipped == 0
    with Store(path) as store:
        second = ingest_items(read_inputs([corpus, corpus]), store, pipeline=pipeline)
        assert (second.stored, second.skipped, second.read) == (0, 2 * first.stored, 2 * first.stored)
        assert store.counts() == counts
        duplicates = store.con.execute("SELECT count(*) - count(DISTINCT id) FROM articles").fetchone()[0]
        assert duplicates == 0
        for table in RECORD_TABLES[1:]:
            key = "idx" if table == "places" else ("actor_id, start" if table == "mentions" else "id")
            dupes = store.con.execute(
                f'SELECT count(*) FROM (SELECT article_id, {key} FROM "{table}" GROUP BY ALL HAVING count(*) > 1)'
            ).fetchone()[0]
            assert dupes == 0, table


def test_a_new_database_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    # A creation killed half-way leaves only the temporary file, which the next creation replaces.
    db = tmp_path / "new.duckdb"
    (tmp_path / ".new.duckdb.creating").write_bytes(b"half-written by a killed process")
    with Store(db) as store:
        assert store.counts()["articles"] == 0
    assert not (tmp_path / ".new.duckdb.creating").exists()
    with Store(db, read_only=True) as store:  # the file at the path is a whole eventwire database
        assert store.counts()["articles"] == 0
