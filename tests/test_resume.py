"""Resume after SIGKILL: a real `eventwire ingest` subprocess is killed mid-run and re-run.

The killed-and-resumed database must hold exactly what an uninterrupted run
stores in another file: the same ids and row counts, and no duplicates.
"""

from __future__ import annotations

import random
import signal
import subprocess
from pathlib import Path

import pytest

from eventwire.ingest import read_inputs
from eventwire.jobs import ingest_items
from eventwire.pipeline import Pipeline
from eventwire.store import Store
from eventwire.store.records import RECORD_TABLES
from support.cli import EVENTWIRE_COMMAND
from support.runs import SUMMARY_PATTERN, kill_run, make_corpus

pytestmark = pytest.mark.slow

ARTICLES = 320
def table_state(path: Path) -> tuple[list[str], dict[str, int]]:
    with Store(path, read_only=True) as store:
        ids = [row[0] for row in store.con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        return ids, store.counts()


def test_ingest_resumes_after_sigkill(tmp_path: Path, pipeline: Pipeline) -> None:
    corpus = make_corpus(tmp_path / "corpus", ARTICLES)
    killed_db = tmp_path / "killed.duckdb"
    reported, status = kill_run(corpus, killed_db, 1, random.Random(0), after_commit=True)
    assert status == -signal.SIGKILL
    assert 0 < reported < ARTICLES

    rerun = subprocess.run([*EVENTWIRE_COMMAND, "ingest", str(corpus), "--db", str(killed_db), "-j", "1"],
                           capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    match = SUMMARY_PATTERN.search(rerun.stderr)
    assert match, rerun.stderr
    stored, already, failed = (int(g) for g in match.groups())
    # Everything committed before the kill is skipped, the rest is stored: the run was cut mid-way.
    assert reported <= already < ARTICLES
    assert stored + already == ARTICLES and failed == 0

    clean_db = tmp_path / "clean.duckdb"
    with Store(clean_db) as store:
        summary = ingest_items(read_inputs([str(corpus)]), store, pipeline=pipeline)
    assert summary.stored == ARTICLES

    killed_ids, killed_counts = table_state(killed_db)
    clean_ids, clean_counts = table_state(clean_db)
    assert len(set(killed_ids)) == len(killed_ids) == ARTICLES
    assert killed_ids == clean_ids
    assert killed_counts == clean_counts
    assert set(killed_counts) == {*RECORD_TABLES, "failures"}
