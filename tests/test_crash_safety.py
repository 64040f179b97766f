"""Crash safety: `eventwire ingest` is SIGKILLed at several seeded-random points, re-run after each kill, and the
final database must equal an uninterrupted run, row for row, in every table.

tests/test_resume.py kills one run once, after a commit, and compares ids and counts. Here the kill points are
drawn from a seeded RNG (some during start-up, some at random moments after a commit, so also in the middle of a
batch being parsed or written), the run is repeated with one and with two worker processes, and the comparison is
of full table contents (every column of every record table), not only counts.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from eventwire.model import Article
from eventwire.pipeline import Pipeline, PipelineConfig
from eventwire.store import Store
from eventwire.store.records import RECORD_TABLES
from support.cli import EVENTWIRE_COMMAND
from support.runs import SUMMARY_PATTERN, kill_run, make_corpus

pytestmark = pytest.mark.slow

ARTICLES = 1000
SEED = 20261129
# Columns written at ingest time rather than derived from the input.
VOLATILE = {"failed_at", "ingested_at", "stored_at", "created_at"}


def table_contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, without ingest-time columns."""
    contents: dict[str, list[tuple[Any, ...]]] = {}
    with Store(path, read_only=True) as store:
        for table in (*RECORD_TABLES, "failures"):
            columns = [row[0] for row in store.con.execute(f"DESCRIBE {table}").fetchall()
                       if row[0] not in VOLATILE]
            select = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
            contents[table] = sorted(store.con.execute(f"SELECT {select} FROM {table}").fetchall(),
                                     key=lambda row: tuple("" if v is None else v for v in row))
    return contents


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("crash") / "corpus", ARTICLES)


@pytest.fixture(scope="module")
def uninterrupted(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Any, ...]]]:
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    run = subprocess.run([*EVENTWIRE_COMMAND, "ingest", str(corpus), "--db", str(db), "-j", "1"],
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stderr
    contents = table_contents(db)
    assert len(contents["articles"]) == ARTICLES
    assert contents["events"] and contents["actors"] and contents["quotes"]
    return contents


@pytest.mark.parametrize("jobs", [1, 2])
def test_repeated_sigkill_and_rerun_equals_an_uninterrupted_run(
        corpus: Path, uninterrupted: dict[str, list[tuple[Any, ...]]], tmp_path: Path, jobs: int) -> None:
    rng = random.Random(SEED + jobs)
    db = tmp_path / "killed.duckdb"
    # One kill during start-up, then three after commits at random moments.
    kills = [False, True, True, True]
    stored_before = 0
    for after_commit in kills:
        kill_run(corpus, db, jobs, rng, after_commit)  # a run that ended before its kill is checked below
        if db.exists():
            with Store(db, read_only=True) as store:  # a killed run leaves a database that opens
                stored_now = store.counts()["articles"]
            assert stored_now >= stored_before  # nothing committed is ever lost
            stored_before = stored_now
    assert stored_before < ARTICLES, "every kill came too late to interrupt anything"

    final = subprocess.run([*EVENTWIRE_COMMAND, "ingest", str(corpus), "--db", str(db), "-j", str(jobs)],
                           capture_output=True, text=True, timeout=1800)
    assert final.returncode == 0, final.stderr
    match = SUMMARY_PATTERN.search(final.stderr)
    assert match, final.stderr
    stored, already, failed = (int(g) for g in match.groups())
    assert (already, stored + already, failed) == (stored_before, ARTICLES, 0)

    contents = table_contents(db)
    ids = [row[0] for row in contents["articles"]]
    assert len(ids) == len(set(ids)) == ARTICLES
    for table in (*RECORD_TABLES, "failures"):
        assert len(contents[table]) == len(set(contents[table])) or table == "mentions", table
        assert contents[table] == uninterrupted[table], table


# -- Ray: a worker SIGKILLed from outside, at a seeded-random moment ------------------------------------------

class SlowPipeline(Pipeline):
    """The real pipeline, which records its worker's pid and takes a while per chunk, so a kill lands mid-run."""

    def __init__(self, config: PipelineConfig, pids: str) -> None:
        super().__init__(config)
        Path(pids, str(os.getpid())).touch()

    def annotate_batch(self, articles: list[Article]) -> list[Article]:
        time.sleep(0.4)
        return super().annotate_batch(articles)


def _slow(pids: str, config: PipelineConfig) -> Pipeline:
    return SlowPipeline(config, pids)


def test_ray_worker_sigkilled_mid_run_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    import pyarrow.parquet as pq

    from eventwire.engines.ray_engine import run_ray
    from eventwire.store.parquet import part_files

    rng = random.Random(SEED)
    count = 40
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with (corpus / "news.jsonl").open("w", encoding="utf-8") as handle:
        for n in range(count):
            handle.write(json.dumps({"id": f"r{n:03d}", "published": "2020-03-01",
                                     "text": f"Turkey and Russia held talks in Ankara on Monday, officials said. "
                                             f"Report {n}."}) + "\n")
    pids, out = tmp_path / "pids", tmp_path / "out"
    pids.mkdir()
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not killed:
            workers = sorted(int(p.name) for p in pids.iterdir())
            if workers and part_files(out, "articles"):  # loaded, and at least one chunk written
                time.sleep(rng.uniform(0.0, 0.6))
                victim = rng.choice(workers)
                try:
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    # SlowPipeline is a class of this test module: ship it by value to the workers.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        thread.start()
        summary = run_ray([str(corpus)], str(out), PipelineConfig(), chunk_size=2, actors=2,
                          pipeline_factory=partial(_slow, str(pids)))
    finally:
        ray.shutdown()
        thread.join(timeout=5)
    assert killed, "no worker was killed: the run ended before the kill point"
    # Its chunk was retried by a restarted or surviving actor (Ray Data sizes its pool itself).
    ids = [row["id"] for f in part_files(out, "articles") for row in pq.read_table(f).to_pylist()]
    assert sorted(ids) == [f"r{n:03d}" for n in range(count)]  # none missing, none twice
    events = [(row["article_id"], row["id"]) for f in part_files(out, "events") for row in pq.read_table(f).to_pylist()]
    assert events and len(events) == len(set(events))
    assert {a for a, _ in events} == set(ids)
    assert summary.articles == count and summary.failures == 0
