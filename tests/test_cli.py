"""The command line end to end: real `eventwire` subprocesses on real DuckDB files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import shared_path
from eventwire.cli import sample_corpus_dir
from eventwire.model import DOUBTFUL_CONFIDENCE, Article
from eventwire.pipeline import STAGE_FACTORIES
from eventwire.store import Store
from eventwire.store.query import ACTOR_COLUMNS, EVENT_COLUMNS, QUOTE_COLUMNS
from support.cli import SAMPLE_COUNT, assert_one_line_error, run

pytestmark = pytest.mark.slow

ARTICLE_KEYS = ["id", "title", "url", "outlet", "published", "language", "text", "actors", "quotes", "events",
                "places", "warnings"]
STAGES = [name for name, _ in STAGE_FACTORIES]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "sample.duckdb"
    result = run("ingest", str(sample_corpus_dir()), "--db", str(db), "-j", "1")
    assert result.returncode == 0, result.stderr
    assert f"{SAMPLE_COUNT} stored, 0 already stored, 0 failed" in result.stderr
    return db


def contract_checked(line: str) -> dict:
    data = json.loads(line)
    assert list(data) == ARTICLE_KEYS
    assert Article.from_dict(data).to_dict() == data
    text = data["text"]
    for actor in data["actors"]:
        for mention in actor["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"], mention
    for quote in data["quotes"]:
        assert 0 <= quote["start"] <= quote["end"] <= len(text)
    for event in data["events"]:
        trigger = event["trigger"]
        assert text[trigger["start"]:trigger["end"]] == trigger["text"]
    return data


def test_extract_prints_one_contract_article_with_exact_offsets() -> None:
    path = shared_path("corpus", "iraq-us-presence.txt")
    result = run("extract", str(path), "-j", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    data = contract_checked(lines[0])
    assert data["text"] == path.read_text(encoding="utf-8")
    assert data["title"] == "Washington and Baghdad are negotiating a long-term US presence in Iraq"
    if "actors" in STAGES:
        assert data["actors"], "the actors stage is registered but found no actor"
        assert all(actor["mentions"] for actor in data["actors"])


def test_extract_reads_jsonl_from_stdin_and_keeps_order() -> None:
    records = [{"id": f"s{n}", "text": f"Story {n}: protesters gathered in Tbilisi on Sunday, police said."}
               for n in range(3)]
    result = run("extract", "-", "-j", "1", stdin="".join(json.dumps(r) + "\n" for r in records))
    assert result.returncode == 0, result.stderr
    assert [contract_checked(line)["id"] for line in result.stdout.splitlines()] == ["s0", "s1", "s2"]


def test_extract_with_worker_processes_matches_one_process(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for n in range(5):
        (corpus / f"{n}.txt").write_text(f"Story {n}: the UN envoy met both sides in Geneva, officials said.",
                                         encoding="utf-8")
    single = run("extract", str(corpus), "-j", "1")
    double = run("extract", str(corpus), "-j", "2")
    assert single.returncode == double.returncode == 0, double.stderr
    assert single.stdout == double.stdout
    assert len(single.stdout.splitlines()) == 5


@pytest.mark.parametrize("command", ["events", "quotes", "actors"])
def test_query_commands_in_every_format(sample_db: Path, command: str) -> None:
    columns = {"events": EVENT_COLUMNS, "quotes": QUOTE_COLUMNS, "actors": ACTOR_COLUMNS}[command]
    as_json = run(command, "--db", str(sample_db), "--format", "json", "--limit", "500")
    assert as_json.returncode == 0, as_json.stderr
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    for row in rows:
        assert list(row) == list(columns)
    with Store(sample_db, read_only=True) as store:
        stored = store.counts()[command]
    if command != "actors":
        # The JSON rows are the stored rows (events: factual ones only unless --all).
        all_rows = run(command, "--db", str(sample_db), "--format", "json", "--limit", "500",
                       *(["--all", "--min-confidence", "0"] if command == "events" else []))
        assert len(all_rows.stdout.splitlines()) == min(stored, 500)
    elif "actors" in STAGES:
        assert rows and all(row["mentions"] >= 1 for row in rows)
    as_csv = run(command, "--db", str(sample_db), "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    parsed = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert parsed and len(parsed) - 1 == min(len(rows), 50)
    as_table = run(command, "--db", str(sample_db), "--format", "table")
    assert as_table.returncode == 0, as_table.stderr
    assert command in as_table.stdout


def test_query_filters_reach_the_database(sample_db: Path) -> None:
    result = run("events", "--db", str(sample_db), "--format", "json", "--since", "2030-01-01")
    assert result.returncode == 0 and result.stdout == ""
    result = run("quotes", "--db", str(sample_db), "--format", "json", "--outlet", "no such outlet")
    assert result.returncode == 0 and result.stdout == ""


def test_export_jsonl_csv_parquet(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    result = run("export", "--db", str(sample_db), "--format", "jsonl", "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == SAMPLE_COUNT
    ids = [contract_checked(line)["id"] for line in lines]
    assert ids == sorted(ids)

    out_csv = tmp_path / "events.csv"
    result = run("export", "--db", str(sample_db), "--format", "csv", "-o", str(out_csv))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out_csv.open(encoding="utf-8")))
    assert rows[0][:3] == ["article_id", "id", "event"]
    with Store(sample_db, read_only=True) as store:
        counts = store.counts()
        confident = store.con.execute("SELECT count(*) FROM events WHERE confidence >= ?",
                                      [DOUBTFUL_CONFIDENCE]).fetchone()[0]
    assert len(rows) - 1 == confident  # doubtful events are left out of event exports

    out_dir = tmp_path / "parquet"
    result = run("export", "--db", str(sample_db), "--format", "parquet", "-o", str(out_dir))
    assert result.returncode == 0, result.stderr
    articles = pq.read_table(out_dir / "articles" / "part-0.parquet")
    assert articles.num_rows == SAMPLE_COUNT
    assert pq.read_table(out_dir / "events" / "part-0.parquet").num_rows == counts["events"]
    assert pq.read_table(out_dir / "actors" / "part-0.parquet").num_rows == counts["actors"]


def test_ingest_reports_failures_as_warnings_and_stores_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    (corpus / "good.txt").write_text("The UN envoy met both sides in Geneva on Monday, officials said.",
                                     encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    db = tmp_path / "mixed.duckdb"
    result = run("ingest", str(corpus), "--db", str(db), "-j", "1")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2
    assert any("empty.txt: empty document" in w for w in warnings)
    assert any("notes.docx: unsupported file type .docx" in w for w in warnings)
    assert "1 stored, 0 already stored, 2 failed" in result.stderr
    again = run("ingest", str(corpus), "--db", str(db), "-j", "1")
    assert again.returncode == 0 and "0 stored, 1 already stored, 2 failed" in again.stderr
    with Store(db, read_only=True) as store:
        assert store.counts()["articles"] == 1 and store.counts()["failures"] == 2


def test_exit_codes(tmp_path: Path, sample_db: Path) -> None:
    db = tmp_path / "new.duckdb"
    assert_one_line_error(run("ingest", str(tmp_path / "nope.txt"), "--db", str(db)), 2, "no such file or directory")
    assert not db.exists(), "a failed ingest must not leave a database behind"
    assert_one_line_error(run("extract", str(tmp_path / "nope")), 2, "no such file or directory")
    assert_one_line_error(run("events", "--db", str(sample_db), "--since", "yesterday"), 2, "is not a date")
    assert_one_line_error(run("quotes", "--db", str(sample_db), "--until", "2020-13-01"), 2, "is not a date")
    assert_one_line_error(run("events", "--db", str(tmp_path / "missing.duckdb")), 2, "no such database")
    assert_one_line_error(run("export", "--db", str(sample_db), "--format", "xml", "-o", str(tmp_path / "x")), 2,
                          "unknown export format 'xml'")
    assert run("events", "--db", str(sample_db), "--format", "yaml").returncode == 2

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blob.html").write_bytes(bytes(range(256)) * 8)
    result = run("ingest", str(bad), "--db", str(db), "-j", "1")
    assert result.returncode == 3, result.stderr
    assert "0 stored, 0 already stored, 2 failed" in result.stderr
    result = run("extract", str(bad), "-j", "1")
    assert result.returncode == 3 and result.stdout == ""

    debug = run("--debug", "events", "--db", str(sample_db), "--since", "yesterday")
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_demo_on_a_fresh_database(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = run("demo", "--db", str(db), "-j", "1")
    assert result.returncode == 0, result.stderr
    assert f"{SAMPLE_COUNT} articles," in " ".join(result.stdout.split())  # Rich wraps at 80 columns
    with Store(db, read_only=True) as store:
        assert store.counts()["articles"] == SAMPLE_COUNT
        assert store.counts()["failures"] == 0
    # Running it again starts afresh on the file it made, even one an older eventwire wrote.
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    again = run("demo", "--db", str(db), "-j", "1")
    assert again.returncode == 0, again.stderr
    assert f"{SAMPLE_COUNT} stored, 0 already stored" in again.stderr


def test_demo_refuses_a_database_it_did_not_make(tmp_path: Path, sample_db: Path) -> None:
    before = sample_db.stat().st_size
    assert_one_line_error(run("demo", "--db", str(sample_db)), 2, "was not made by the demo")
    assert sample_db.stat().st_size == before


def test_version_and_document_timeout(tmp_path: Path) -> None:
    from eventwire import __version__

    version = run("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"eventwire {__version__}")
    doc = tmp_path / "talks.txt"
    doc.write_text("Talks\n\nIran and Iraq held talks in Baghdad on Tuesday, officials said.\n", encoding="utf-8")
    timed_out = run("extract", str(doc), "-j", "1", "--doc-timeout", "0.000001")
    assert timed_out.returncode == 3 and timed_out.stdout == ""
    assert "processing took longer than" in timed_out.stderr
    unlimited = run("extract", str(doc), "-j", "1", "--doc-timeout", "0")
    assert unlimited.returncode == 0 and json.loads(unlimited.stdout)["events"]
