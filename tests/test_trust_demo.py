"""`eventwire demo` never deletes what it did not write (issue 14, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.store import Store
from support.cli import SAMPLE_COUNT, assert_one_line_error, run

pytestmark = pytest.mark.slow

USER_ARTICLE = ("Ministers meet in Oslo\n\n"
                "OSLO, March 3, 2021 (Fjord Wire) — Norway and Sweden held talks in Oslo on Tuesday, officials said.\n")


def test_demo_twice_with_an_ingest_between_loses_nothing(tmp_path: Path) -> None:
    # As `make demo` runs it: no --db, in the user's working directory.
    first = run("demo", "-j", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    db = tmp_path / "eventwire.duckdb"
    mine = tmp_path / "my-articles"
    mine.mkdir()
    (mine / "oslo.txt").write_text(USER_ARTICLE, encoding="utf-8")
    ingested = run("ingest", str(mine), "-j", "1", cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    with Store(db, read_only=True) as store:
        assert store.counts()["articles"] == SAMPLE_COUNT + 1

    again = run("demo", "-j", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "1 article" in again.stderr and "not from the sample corpus" in again.stderr
    with Store(db, read_only=True) as store:
        assert store.counts()["articles"] == SAMPLE_COUNT + 1
        sources = [row[0] for row in store.con.execute("SELECT source FROM articles").fetchall()]
    assert any(source.endswith("oslo.txt") for source in sources)


def test_demo_never_touches_a_database_someone_else_made(tmp_path: Path) -> None:
    db = tmp_path / "mine.duckdb"
    mine = tmp_path / "in"
    mine.mkdir()
    (mine / "oslo.txt").write_text(USER_ARTICLE, encoding="utf-8")
    assert run("ingest", str(mine), "--db", str(db), "-j", "1").returncode == 0
    before = db.read_bytes()
    assert_one_line_error(run("demo", "--db", str(db)), 2, "was not made by the demo")
    assert db.read_bytes() == before
